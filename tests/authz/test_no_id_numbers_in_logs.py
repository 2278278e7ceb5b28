"""No raw ID number in any log line: members are created, read, searched, changed, imported and
exported with valid GB 11643 numbers (also on the error paths that name them), the logs are
captured — in process through the JSON formatter, and from the real processes' log files — and
scanned for any valid ID number (python-stdnum's check)."""

import io
import logging
import re
import uuid
from collections.abc import Iterator

import httpx
import pytest
from stdnum.cn import ric

from services.kit.observability import JsonFormatter
from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.members.test_tabular import csv_file, row_of, upload
from tests.support import LiveStack, Tokens, wait_until

CANDIDATE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


def valid_id_numbers(text: str) -> list[str]:
    return [match for match in CANDIDATE.findall(text) if ric.is_valid(match)]


def test_the_scan_finds_a_valid_number_and_ignores_an_invalid_one() -> None:
    number = member_body(org_id=str(uuid.uuid4()))["id_number"]
    broken = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert valid_id_numbers(f'{{"detail": "{number}", "other": "{broken}"}}') == [number]


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Every log record of every logger, at every level, as the JSON lines production writes;
    httpx and httpcore at WARNING as `configure_logging` sets them (this test's own client would
    otherwise log its URLs)."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter("test"))
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    quiet = [logging.getLogger(name) for name in ("httpx", "httpcore")]
    previous = [root.level, *(logger.level for logger in quiet)]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for logger in quiet:
        logger.setLevel(logging.WARNING)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        for logger, level in zip([root, *quiet], previous, strict=True):
            logger.setLevel(level)


async def test_no_id_number_is_logged_in_process(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, captured_logs: io.StringIO
) -> None:
    tree = await replica.tree()
    org = tree["branch"]["id"]
    admin = tokens.headers("org_admin")
    body = member_body(org_id=org)
    created = await members_client.post("/api/v1/members", json=body, headers=admin)
    assert created.status_code == 201, created.text
    member_id = created.json()["id"]

    duplicate = await members_client.post("/api/v1/members", json=body, headers=admin)
    bad_phone = await members_client.post("/api/v1/members", json=member_body(org_id=org, phone="x"), headers=admin)
    unknown_org = await members_client.post("/api/v1/members", json=member_body(org_id=str(uuid.uuid4())), headers=admin)
    await members_client.get("/api/v1/members", params={"id_number": body["id_number"]}, headers=admin)
    await members_client.post("/api/v1/members/search", json={"id_number": body["id_number"]}, headers=admin)
    await members_client.get(f"/api/v1/members/{member_id}", headers=admin)
    await members_client.patch(
        f"/api/v1/members/{member_id}", json={"phone": f"137{uuid.uuid4().int % 10**8:08d}"}, headers=admin | {"If-Match": "*"}
    )
    rows = [row_of(member_body(org_id=org)) for _ in range(3)]
    dry = await upload(members_client, tokens, csv_file(rows), "csv", dry_run="true")
    imported = await upload(members_client, tokens, csv_file(rows), "csv")
    rejected = await upload(members_client, tokens, csv_file([*rows, row_of(body)]), "csv")
    exported = await members_client.get("/api/v1/members/export", params={"org_id": org, "format": "csv"}, headers=admin)

    assert (duplicate.status_code, bad_phone.status_code, unknown_org.status_code) == (409, 422, 422)
    assert (dry.status_code, imported.status_code, rejected.status_code, exported.status_code) == (200, 200, 422, 200)
    logged = captured_logs.getvalue()
    assert '"logger": "access"' in logged.replace('":"', '": "') or '"logger":"access"' in logged
    found = valid_id_numbers(logged)
    assert found == [], [line for line in logged.splitlines() if any(n in line for n in found)]


def test_no_id_number_is_logged_by_the_real_processes(live: LiveStack) -> None:
    headers = live.business_headers()
    api = live.url() + "/api/v1"
    county = httpx.post(api + "/orgs", json={"name": "c", "kind": "committee", "tier": "county"}, headers=headers).json()
    township = httpx.post(
        api + "/orgs", json={"name": "t", "kind": "committee", "tier": "township", "parent_id": county["id"]}, headers=headers
    ).json()
    branch = httpx.post(
        api + "/orgs", json={"name": "b", "kind": "branch", "tier": "community", "parent_id": township["id"]}, headers=headers
    ).json()
    body = member_body(org_id=branch["id"])
    assert wait_until(lambda: httpx.post(api + "/members", json=body, headers=headers).status_code == 201, 10, 0.05)
    httpx.post(api + "/members", json=body, headers=headers)  # the duplicate: 409
    listed = httpx.get(api + "/members", params={"id_number": body["id_number"]}, headers=headers).json()["items"]
    httpx.get(f"{api}/members/{listed[0]['id']}", headers=headers)
    httpx.post(api + "/members/search", json={"id_number": body["id_number"]}, headers=headers)

    logged = "".join(path.read_text(errors="replace") for path in live.logs.values())
    assert '"path":"/api/v1/members"' in logged  # the access lines are there to be scanned
    assert valid_id_numbers(logged) == []
