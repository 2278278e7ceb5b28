"""Events for other systems through the gateway: webhook subscriptions (made, listed, refused,
deleted), with synthetic service events in the gateway's log (see test_events_feed.py)."""

import uuid

import pytest

from tests.gateway.conftest import Gateway, subscribe


class TestSubscriptions:
    async def test_the_secret_is_shown_once_and_the_subscription_is_its_owners_alone(self, gateway: Gateway) -> None:
        owner = gateway.client_headers("members:read", subject="client-owner-" + uuid.uuid4().hex[:6])
        made = await subscribe(gateway, owner, "https://hooks.example.org/in", ["member.*"])
        assert made["secret"].startswith("whsec_")

        shown = await gateway.client.get(f"/api/v1/subscriptions/{made['id']}", headers=owner)
        listed = await gateway.client.get("/api/v1/subscriptions", headers=owner)
        stranger = await gateway.client.get(f"/api/v1/subscriptions/{made['id']}", headers=gateway.client_headers("members:read"))
        assert shown.status_code == 200
        assert "secret" not in shown.json()
        assert [item["id"] for item in listed.json()["items"]] == [made["id"]]
        assert "secret" not in listed.text
        assert stranger.status_code == 404

        deleted = await gateway.client.delete(f"/api/v1/subscriptions/{made['id']}", headers=owner)
        gone = await gateway.client.get(f"/api/v1/subscriptions/{made['id']}", headers=owner)
        assert deleted.status_code == 204
        assert gone.status_code == 404

    @pytest.mark.parametrize(
        "url",
        [
            "http://hooks.example.org/in",  # not https
            "ftp://hooks.example.org/in",
            "https://127.0.0.1/in",
            "https://localhost/in",
            "https://[::1]/in",
            "https://10.1.2.3/in",
            "https://172.16.0.9/in",
            "https://192.168.1.1/in",
            "https://100.64.0.7/in",  # CGNAT
            "https://169.254.169.254/latest/meta-data",  # cloud metadata
            "https://[fd00:ec2::254]/in",  # cloud metadata (IPv6)
            "https://[fe80::1]/in",  # link-local
            "https://224.0.0.1/in",  # multicast
            "https://0.0.0.0/in",  # unspecified
            "https://[::ffff:127.0.0.1]/in",  # loopback, IPv4-mapped
            "https://user:secret@hooks.example.org/in",
            "http://127.0.0.1:9/in",  # a development host only where configured
        ],
    )
    async def test_unsafe_destinations_are_refused_and_nothing_is_written(self, strict_gateway: Gateway, url: str) -> None:
        gateway = strict_gateway
        owner = gateway.client_headers("members:read")
        response = await gateway.client.post(
            "/api/v1/subscriptions", json={"url": url, "event_types": ["member.*"]}, headers=owner
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "url"
        assert (await gateway.client.get("/api/v1/subscriptions", headers=owner)).json()["items"] == []

    async def test_http_is_allowed_only_to_a_development_host(self, gateway: Gateway) -> None:
        owner = gateway.client_headers("members:read")
        allowed = await gateway.client.post(
            "/api/v1/subscriptions", json={"url": "http://127.0.0.1:9/in", "event_types": ["member.*"]}, headers=owner
        )
        assert allowed.status_code == 201

    async def test_types_must_exist_and_be_readable_with_the_callers_scopes(self, gateway: Gateway) -> None:
        owner = gateway.client_headers("members:read")
        response = await gateway.client.post(
            "/api/v1/subscriptions",
            json={"url": "https://hooks.example.org/in", "event_types": ["member.*", "unit.created", "org.*"]},
            headers=owner,
        )
        assert response.status_code == 422
        assert [error["field"] for error in response.json()["errors"]] == ["event_types.1", "event_types.2"]

    @pytest.mark.parametrize(("roles", "status"), [(("viewer",), 403), (("sysadmin",), 403), (("org_admin",), 201)])
    async def test_who_may_subscribe(self, gateway: Gateway, roles: tuple[str, ...], status: int) -> None:
        response = await gateway.client.post(
            "/api/v1/subscriptions",
            json={"url": "https://hooks.example.org/in", "event_types": ["member.*"]},
            headers=gateway.tokens.headers(*roles),
        )
        assert response.status_code == status

    async def test_unknown_fields_are_refused(self, gateway: Gateway) -> None:
        response = await gateway.client.post(
            "/api/v1/subscriptions",
            json={"url": "https://hooks.example.org/in", "event_types": ["member.*"], "secret": "mine"},
            headers=gateway.client_headers("members:read"),
        )
        assert response.status_code == 422


# ---------------------------------------------------------------- deliveries
