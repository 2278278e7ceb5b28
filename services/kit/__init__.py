"""Domain-free toolkit shared by every service and the gateway.

Nothing here may import a service or the gateway (a test enforces it): the kit knows about
databases, HTTP, tokens, events and trees, never about party members or organizations.
"""
