"""Member record operations. They take a session, flush, record events, and never commit."""
