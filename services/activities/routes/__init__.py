"""HTTP routes of the activities service: thin handlers over `services.activities.service`."""
