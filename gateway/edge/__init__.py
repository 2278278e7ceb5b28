"""The edge: what stands around every request before a route (or a service) sees it.

Plain ASGI layers, cheap on the hot path, in the order a request meets them (app.py):

kit's RequestDeadline  every process's deadline (`services/kit/deadline.py`): an answer not
                       started within `request_deadline_s` is a 503 problem
guard.py               `Guard`: first load shedding (shedding.py, `Admission`: over the in-flight
                       bound, a 503 at once), then the caller's token verified once and
                       remembered, its rate limit (limits.py), `Cache-Control: no-store`, the
                       audit rows of writes and of unmasked reads
proxy.py               `ServiceProxy`: `/api/v1/<segment>/…` of a service goes upstream as it
                       is; everything else falls through to the gateway's own routes
limits.py              the token buckets of the guard and of the login route
problems.py            `send_kind`: a declared kind sent from a layer, in the reader's script

Problems sent from here are the gateway's declared kinds (`gateway/errors.py`), with their Chinese
titles and details like a route's (Simplified by default, Traditional on request, `detail_en`).
"""
