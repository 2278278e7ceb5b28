"""Reminders and notices, self-contained: an inbox per account, and delivery through channels.

models.py    contact addresses (encrypted), the inbox, the outbox of deliveries, every attempt
schemas.py   the public shapes
rules.py     the pure rules: settings, due items and their dedupe key, who is responsible, quiet hours, texts
channels.py  the adapters to the SMS and WeChat HTTP gateways a deployment configures
service.py   the inbox, contacts, recording reminders (functions taking a session)
reminders.py the reminder job: what is due, read from the services' lists over HTTP
delivery.py  the notifier: the job's peers and the worker that sends, retries and records
routes.py    `/api/v1/notifications`

Its codes and problem kinds are the gateway's (`gateway/enums.py`, `gateway/errors.py`).
"""
