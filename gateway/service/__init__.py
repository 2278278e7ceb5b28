"""The gateway's domain functions, one module per area: accounts, tokens, clients, audit, meta.
They take a session, flush, and never commit (the route's `WriteSessionDep` does)."""
