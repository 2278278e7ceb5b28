"""The circuit breaker between real processes: orgs asks members for member counts (an org's
diagnostics). With members hung (SIGSTOP), the first calls wait out orgs' peer read timeout;
after `ORGS_PEER_BREAKER_FAILURES` of them the breaker opens and the answers are 503 problems at
once, shown in orgs' /metrics; with members back, one trial call after `ORGS_PEER_BREAKER_RESET_S`
closes it again, by itself.
"""

import re

import httpx

from tests.faults.conftest import FAULT_SETTINGS
from tests.faults.helpers import call, create_org
from tests.support import LiveStack, wait_until

READ_TIMEOUT_S = float(FAULT_SETTINGS["ORGS_PEER_READ_TIMEOUT_S"])
FAILURES = int(FAULT_SETTINGS["ORGS_PEER_BREAKER_FAILURES"])
RESET_S = float(FAULT_SETTINGS["ORGS_PEER_BREAKER_RESET_S"])


def breaker_open(live: LiveStack) -> float | None:
    """orgs' `peer_breaker_open` gauge for members (None before the first call to members)."""
    text = httpx.get(live.url("orgs") + "/metrics", timeout=10).text
    found = re.search(r'^peer_breaker_open\{[^}]*peer="members"[^}]*\} (\S+)$', text, re.MULTILINE)
    return float(found.group(1)) if found else None


def test_the_breaker_opens_on_a_hung_peer_answers_fast_503s_and_closes_when_it_is_back(running: LiveStack) -> None:
    live = running
    headers = live.business_headers() | {"Accept-Language": "en"}  # the English detail is asserted
    county = create_org(live, headers)
    diagnostics = live.url() + f"/api/v1/orgs/{county['id']}/diagnostics"
    assert call("GET", diagnostics, headers=headers).status == 200
    assert breaker_open(live) == 0

    live.pause("members")
    try:
        # Closed: each call waits out the read timeout, then fails.
        waited = [call("GET", diagnostics, headers=headers) for _ in range(FAILURES)]
        # Open: refused at once, without asking members.
        refused = [call("GET", diagnostics, headers=headers) for _ in range(3)]
        open_while_down = breaker_open(live)
    finally:
        live.resume("members")

    for answer in waited + refused:
        assert answer.status == 503, answer
        assert answer.is_problem, answer
        assert answer.body["type"] == "/problems/peer-unavailable"
    assert all(answer.elapsed_s >= READ_TIMEOUT_S * 0.9 for answer in waited), [a.elapsed_s for a in waited]
    assert all("circuit open" in answer.body["detail"] for answer in refused), refused
    assert all(answer.elapsed_s < READ_TIMEOUT_S / 2 for answer in refused), [a.elapsed_s for a in refused]
    assert open_while_down == 1

    # Members is back: after the reset time one trial call goes through and closes the breaker.
    recovered = wait_until(lambda: call("GET", diagnostics, headers=headers).status == 200, RESET_S + 20, 0.2)
    assert recovered, "the breaker did not close after members came back"
    assert breaker_open(live) == 0
