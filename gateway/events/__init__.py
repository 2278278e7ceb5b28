"""Events for other systems, self-contained: the gateway's log of every service's events, read by
scope (pull), and webhook subscriptions delivered signed, in order, at least once (push).

models.py   the event log, the org replica it filters by, subscriptions and deliveries
schemas.py  the public shapes: events, event types, subscriptions, deliveries
rules.py    the pure rules: who may see which events, signatures, backoff, refused addresses
service.py  the pull feed, subscriptions, deliveries, replay (functions taking a session)
routes.py   `/api/v1/events` and `/api/v1/subscriptions`
ingest.py   consumes the services' feeds into the log (and keeps the org tree it filters by)
delivery.py the worker that posts deliveries, guarded against server-side request forgery

Its codes and problem kinds are the gateway's (`gateway/enums.py`, `gateway/errors.py`).
"""
