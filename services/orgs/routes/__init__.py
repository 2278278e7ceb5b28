"""HTTP routes of the orgs service: thin handlers over `services.orgs.service`."""
