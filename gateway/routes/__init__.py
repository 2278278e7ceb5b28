"""HTTP routes of the gateway's own: identity and the API description."""
