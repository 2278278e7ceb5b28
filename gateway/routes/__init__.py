"""HTTP routes of the gateway's own, one module per area (accounts, tokens, clients, audit, meta),
thin: each calls its area's service functions and lists its problems with `answers(...)`.
The routes of events and reports live in their own packages (`events/routes.py`, `reports/routes.py`)."""
