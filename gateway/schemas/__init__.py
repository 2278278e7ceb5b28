"""The gateway's public shapes, one module per area: accounts, tokens, clients, audit."""
