"""The gateway's domain functions: accounts, tokens, machine clients, audit. They take a session,
flush, and never commit (the route's `WriteSessionDep` does)."""
