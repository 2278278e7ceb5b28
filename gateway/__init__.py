"""The one public entrance: identity, routing to the services, merged API description."""
