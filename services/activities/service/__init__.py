"""Activity operations, one module per area: functions `(session, ctx, data)` that flush, record
events and never commit. `ctx` is the `ActivitiesContext` (caller and scope, policy, today, request
id). A module reads the rules of its own area as `rules` and imports other areas' rules by name.
"""
