"""`/metrics` on every process: the listed series, by route template, and only from inside."""

import uuid

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from services.kit.peers import CircuitBreaker, PeerClient, PeerUnavailable
from services.orgs.app import create_app
from services.orgs.settings import OrgsSettings
from tests.support import SuiteDatabase, Tokens


def samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    return [(s.name, s.labels, s.value) for family in text_string_to_metric_families(text) for s in family.samples]


async def test_requests_are_counted_by_route_template_with_status_and_duration(
    orgs_client: httpx.AsyncClient, tokens: Tokens
) -> None:
    missing = uuid.uuid4()
    response = await orgs_client.get(f"/api/v1/orgs/{missing}", headers=tokens.headers("viewer"))
    assert response.status_code == 404

    metrics = await orgs_client.get("/metrics")

    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    found = samples(metrics.text)
    counted = [
        labels
        for name, labels, value in found
        if name == "http_requests_total" and labels["route"] == "/api/v1/orgs/{org_id}" and value >= 1
    ]
    assert {"service": "orgs", "method": "GET", "route": "/api/v1/orgs/{org_id}", "status": "404"} in counted
    assert str(missing) not in metrics.text
    names = {name for name, _, _ in found}
    assert "http_request_duration_seconds_bucket" in names
    pool = {labels["state"] for name, labels, _ in found if name == "db_pool_connections" and labels["service"] == "orgs"}
    assert pool == {"in_use", "idle", "size"}


async def test_metrics_are_refused_outside_the_allowed_networks(test_db: SuiteDatabase) -> None:
    app = create_app(
        OrgsSettings(data_dir=test_db.data_dir, database_url=test_db.urls["orgs"], json_logs=False, run_scheduler=False)
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await client.get("/metrics")
    assert response.status_code == 404


async def test_peer_errors_and_the_breaker_state_are_exposed(orgs_client: httpx.AsyncClient) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    peer = PeerClient(
        "members",
        "http://members.invalid",
        transport=httpx.MockTransport(refuse),
        retries=0,
        owner="orgs-test",
        breaker=CircuitBreaker(failure_threshold=2),
    )
    for _ in range(2):  # the second failure opens the breaker
        with pytest.raises(PeerUnavailable):
            await peer.get_json("/x")
    await peer.aclose()

    found = samples((await orgs_client.get("/metrics")).text)

    errors = [v for n, labels, v in found if n == "peer_call_errors_total" and labels["service"] == "orgs-test"]
    breaker = [v for n, labels, v in found if n == "peer_breaker_open" and labels["service"] == "orgs-test"]
    assert errors == [2.0]
    assert breaker == [1.0]


async def test_consumer_lag_is_exposed_per_consumer(members_client: httpx.AsyncClient) -> None:
    # members follows the orgs feed (its consumer is made, not started, in tests).
    found = samples((await members_client.get("/metrics")).text)
    lag = [labels for n, labels, _ in found if n == "feed_consumer_lag_seconds"]
    assert {"service": "members", "source": "orgs"} in lag
