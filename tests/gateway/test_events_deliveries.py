"""Events for other systems through the gateway: webhook deliveries (signed, in order, retried,
parked, replayed, guarded against SSRF), to a receiver in the test."""

import asyncio
import json
import uuid
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult
from sqlalchemy import func, select

from gateway.events import rules
from gateway.events.delivery import DeliveryWorker
from gateway.events.models import Delivery, Subscription
from tests.gateway.conftest import Gateway, Receiver, subscribe


class TestDeliveries:
    async def test_deliveries_are_signed_in_order_with_the_event_id(self, gateway: Gateway, receiver: Receiver) -> None:
        owner = gateway.client_headers("members:read", "orgs:read")
        made = await subscribe(gateway, owner, receiver.url, ["member.*"])
        county = await gateway.org()
        sent = [await gateway.member_event(county, type) for type in ("member.created", "member.updated", "member.transferred")]

        await gateway.worker().deliver_round()

        assert [item["headers"][rules.EVENT_ID_HEADER] for item in receiver.received] == [str(e.id) for e in sent]
        for item, event in zip(receiver.received, sent, strict=True):
            timestamp = item["headers"][rules.TIMESTAMP_HEADER]
            assert item["headers"][rules.SIGNATURE_HEADER] == rules.signature(made["secret"], timestamp, item["body"])
            body = json.loads(item["body"])
            assert body["id"] == str(event.id)
            assert body["type"] == event.type
            assert body["payload"]["org_id"] == county["id"]
        statuses = await gateway.client.get(f"/api/v1/subscriptions/{made['id']}/deliveries", headers=owner)
        assert [d["status"] for d in statuses.json()["items"]] == ["delivered"] * 3

    async def test_a_subscription_scoped_to_a_subtree_gets_only_its_events(self, gateway: Gateway, receiver: Receiver) -> None:
        county = await gateway.org()
        owner = gateway.client_headers("members:read", scope_org_id=county["id"])
        await subscribe(gateway, owner, receiver.url, ["member.*"])
        inside = await gateway.member_event(await gateway.org(county))
        await gateway.member_event(await gateway.org())

        await gateway.worker().deliver_round()

        assert [item["headers"][rules.EVENT_ID_HEADER] for item in receiver.received] == [str(inside.id)]

    async def test_a_failing_delivery_holds_back_the_later_ones_then_all_go_in_order(
        self, gateway: Gateway, receiver: Receiver
    ) -> None:
        owner = gateway.client_headers("members:read")
        await subscribe(gateway, owner, receiver.url, ["member.*"])
        county = await gateway.org()
        sent = [await gateway.member_event(county) for _ in range(3)]
        worker = gateway.worker()

        receiver.status = 503
        await worker.deliver_round()
        assert len(receiver.received) == 1  # the first failed; the others wait behind it

        receiver.status = 200
        receiver.received.clear()
        await asyncio.sleep(0.1)  # past the backoff
        await worker.deliver_round()
        assert [item["headers"][rules.EVENT_ID_HEADER] for item in receiver.received] == [str(e.id) for e in sent]

    async def test_retries_run_out_into_parked_deliveries_that_can_be_replayed(
        self, gateway: Gateway, receiver: Receiver
    ) -> None:
        owner = gateway.client_headers("members:read")
        made = await subscribe(gateway, owner, receiver.url, ["member.*"])
        county = await gateway.org()
        first, second = await gateway.member_event(county), await gateway.member_event(county)
        worker = gateway.worker(retry_window_s=0)

        receiver.status = 500
        await worker.deliver_round()
        parked = await gateway.client.get(
            f"/api/v1/subscriptions/{made['id']}/deliveries", params={"status": "parked"}, headers=owner
        )
        assert [d["event_id"] for d in parked.json()["items"]] == [str(first.id), str(second.id)]
        assert parked.json()["items"][0]["last_status"] == 500
        metrics = (await gateway.client.get("/metrics")).text
        depth = [
            line for line in metrics.splitlines() if line.startswith('webhook_queue_depth{service="gateway",state="parked"}')
        ]
        assert float(depth[0].split()[-1]) >= 2

        receiver.status = 200
        receiver.received.clear()
        replay = await gateway.client.post(f"/api/v1/subscriptions/{made['id']}/replay", headers=owner)
        assert replay.json() == {"replayed": 2}
        await worker.deliver_round()
        assert [item["headers"][rules.EVENT_ID_HEADER] for item in receiver.received] == [str(first.id), str(second.id)]

    async def test_a_redirect_is_not_followed(self, gateway: Gateway, receiver: Receiver) -> None:
        owner = gateway.client_headers("members:read")
        made = await subscribe(gateway, owner, receiver.url, ["member.*"])
        receiver.redirect_to = receiver.url.replace("/hook", "/elsewhere")
        await gateway.member_event(await gateway.org())

        await gateway.worker().deliver_round()

        assert [item["path"] for item in receiver.received] == ["/hook"]
        listed = await gateway.client.get(f"/api/v1/subscriptions/{made['id']}/deliveries", headers=owner)
        assert listed.json()["items"][0]["status"] == "pending"
        assert listed.json()["items"][0]["last_status"] == 302

    async def test_a_name_that_resolves_to_a_private_address_is_refused_at_delivery(self, gateway: Gateway) -> None:
        owner = gateway.client_headers("members:read")
        made = await subscribe(gateway, owner, "https://hooks.example.org/in", ["member.*"])
        await gateway.member_event(await gateway.org())
        worker = DeliveryWorker(gateway.settings, gateway.db, resolver=FixedResolver("10.0.0.5"))

        await worker.deliver_round()
        await worker.stop()

        listed = await gateway.client.get(f"/api/v1/subscriptions/{made['id']}/deliveries", headers=owner)
        assert listed.json()["items"][0]["last_error"] == "refused:private"

    async def test_two_workers_at_once_deliver_each_event_once(self, gateway: Gateway, receiver: Receiver) -> None:
        await subscribe(gateway, gateway.client_headers("members:read"), receiver.url, ["member.*"])
        county = await gateway.org()
        sent = [await gateway.member_event(county) for _ in range(4)]

        await asyncio.gather(gateway.worker().deliver_round(), gateway.worker().deliver_round())

        ids = [item["headers"][rules.EVENT_ID_HEADER] for item in receiver.received]
        assert ids == [str(e.id) for e in sent]

    async def test_a_deleted_subscription_leaves_no_queue(self, gateway: Gateway) -> None:
        owner = gateway.client_headers("members:read")
        made = await subscribe(gateway, owner, "https://hooks.example.org/in", ["member.*"])
        await gateway.member_event(await gateway.org())
        await gateway.client.delete(f"/api/v1/subscriptions/{made['id']}", headers=owner)
        async with gateway.db.read_sessions() as session:
            left = await session.scalar(
                select(func.count()).select_from(Delivery).where(Delivery.subscription_id == uuid.UUID(made["id"]))
            )
            assert await session.get(Subscription, uuid.UUID(made["id"])) is None
        assert left == 0


class FixedResolver(AbstractResolver):
    """A resolver that answers every name with one address (a DNS answer the test chooses)."""

    def __init__(self, address: str) -> None:
        self.address = address

    async def resolve(self, host: str, port: int = 0, family: Any = 0) -> list[ResolveResult]:
        return [{"hostname": host, "host": self.address, "port": port, "family": 2, "proto": 0, "flags": 0}]

    async def close(self) -> None:
        return None
