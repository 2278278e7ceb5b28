"""Organization setup operations, one module per area (`tree`, `communities`, `teams`, `units`,
`survey`, `diagnostics`, `worklists`), with what they share in `common`.

Every operation is called `(session, ctx, …)`: `ctx` is the `OrgsContext` (caller and scope,
policy, today, request id), then its input. Operations flush, record events and never commit;
those that ask the members service take its client as `members=`.
"""
