"""Events for other systems: the gateway's log of every service's events, read by scope (pull),
and webhook subscriptions delivered signed, in order, at least once (push).

ingest.py   consumes the services' feeds into the log (and keeps the org tree it filters by)
service.py  the pull feed, subscriptions, deliveries, replay (functions taking a session)
delivery.py the worker that posts deliveries, guarded against server-side request forgery
rules.py    the pure rules: who may see which events, signatures, backoff, refused addresses
"""
