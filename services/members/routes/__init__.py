"""HTTP routes of the members service: thin handlers over `services.members.service`."""
