"""Request size limits of the gateway's own routes (forwarded bodies: see settings)."""

OWN_ROUTE_MAX_BODY_BYTES = 64 * 1024
