"""HTTP routes of the activities service, one module per area: thin handlers over
`services.activities.service`, each listing the problems it may answer with (`answers(...)`)."""
