"""Activity operations, one module per area. They take a session, flush, record events, never commit."""
