"""What orgs asks its peers (contracts.md). The members service: member counts per organization
and per community, the records of member ids (where each is: a reference is checked in the
caller's scope on orgs' own tree), and the dues totals of a month. The activities service: the
compliance report of a period, the study and contacts summaries (for assessments), and where the
activities and files named as evidence belong (checked like member ids). Each is one aggregate
answer per subtree or per request, never a call per organization. An unreachable or misbehaving
peer is a 503 problem (`errors.PEER_UNAVAILABLE`), never a guess.

Not an area: the operations of several areas ask through it, each handed the client by its route.
"""

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any, NamedTuple

from services.kit.peers import PeerClient, PeerUnavailable

COUNTS_BATCH = 5000
LOOKUP_BATCH = 1000


class Counts(NamedTuple):
    """A tuple, not a dataclass: a report builds one per community (thousands), and tuples are
    several times cheaper to make."""

    members: int = 0
    full: int = 0
    probationary: int = 0


async def _post(peer: PeerClient, path: str, body: dict[str, Any]) -> Any:
    response = await peer.request("POST", path, json=body)
    if response.status_code != 200:
        raise PeerUnavailable(peer.name, f"status {response.status_code}")
    try:
        return response.json()
    except ValueError:
        raise PeerUnavailable(peer.name, "not JSON") from None


async def member_counts(peer: PeerClient, org_ids: list[uuid.UUID], as_of: date | None = None) -> dict[uuid.UUID, Counts]:
    """Members whose relationship is exactly each org on `as_of` (default: the members service's
    today): joined by then, not left, deceased or transferred out."""
    counts: dict[uuid.UUID, Counts] = {}
    day = {"as_of": as_of.isoformat()} if as_of is not None else {}
    for start in range(0, len(org_ids), COUNTS_BATCH):
        batch = org_ids[start : start + COUNTS_BATCH]
        body = await _post(peer, "/internal/member-counts", {"org_ids": [str(i) for i in batch]} | day)
        try:
            for key, value in body["counts"].items():
                counts[uuid.UUID(key)] = Counts(
                    members=int(value.get("members", 0)),
                    full=int(value.get("full", 0)),
                    probationary=int(value.get("probationary", 0)),
                )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise PeerUnavailable(peer.name, "unexpected answer") from None
    return counts


async def lookup_members(peer: PeerClient, member_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """The members service's records of those of `member_ids` it knows, by id."""
    found: dict[uuid.UUID, dict[str, Any]] = {}
    unique = list(dict.fromkeys(member_ids))
    for start in range(0, len(unique), LOOKUP_BATCH):
        batch = unique[start : start + LOOKUP_BATCH]
        body = await _post(peer, "/api/v1/members/lookup", {"ids": [str(i) for i in batch]})
        try:
            found.update({uuid.UUID(str(item["id"])): dict(item) for item in body["items"]})
        except (KeyError, TypeError, ValueError):
            raise PeerUnavailable(peer.name, "unexpected answer") from None
    return found


async def community_member_counts(
    peer: PeerClient, within: uuid.UUID | None, as_of: date | None = None
) -> dict[uuid.UUID, Counts]:
    """Members of each community's organizations on `as_of`, from the members service in one call
    (one scan there, where asking per organization took one scan per 5,000 organizations)."""
    params = {"within": str(within)} if within is not None else {}
    if as_of is not None:
        params["as_of"] = as_of.isoformat()
    response = await peer.request("GET", "/internal/community-member-counts", params=params)
    if response.status_code != 200:
        raise PeerUnavailable(peer.name, f"status {response.status_code}")
    try:
        return {
            uuid.UUID(key): Counts(int(value["members"]), int(value["full"]), int(value["probationary"]))
            for key, value in response.json()["counts"].items()
        }
    except (KeyError, TypeError, ValueError, AttributeError):
        raise PeerUnavailable(peer.name, "unexpected answer") from None


async def community_latest_joined(peer: PeerClient, within: uuid.UUID, as_of: date) -> dict[uuid.UUID, date]:
    """The latest `joined_on` among each community's members on `as_of`, from the members service
    in one call for the subtree of `within` (communities without members are absent)."""
    params = {"within": str(within), "as_of": as_of.isoformat()}
    response = await peer.request("GET", "/internal/community-latest-joined", params=params)
    if response.status_code != 200:
        raise PeerUnavailable(peer.name, f"status {response.status_code}")
    try:
        return {uuid.UUID(key): date.fromisoformat(value) for key, value in response.json()["latest"].items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        raise PeerUnavailable(peer.name, "unexpected answer") from None


async def community_service_activities(peer: PeerClient, within: uuid.UUID, start: date, end: date) -> dict[uuid.UUID, int]:
    """Held service activities of each community's organizations from `start` to `end`, from the
    activities service in one call for the subtree of `within` (communities without any are absent)."""
    params = {"within": str(within), "start": start.isoformat(), "end": end.isoformat()}
    response = await peer.request("GET", "/internal/community-service-activities", params=params)
    if response.status_code != 200:
        raise PeerUnavailable(peer.name, f"status {response.status_code}")
    try:
        return {uuid.UUID(key): int(value) for key, value in response.json()["counts"].items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        raise PeerUnavailable(peer.name, "unexpected answer") from None


def subtree_totals(paths: dict[uuid.UUID, str], counts: dict[uuid.UUID, Counts]) -> dict[uuid.UUID, Counts]:
    """Each org's counts summed over its subtree, from the paths (every path's ancestors are in it)."""
    totals: dict[uuid.UUID, list[int]] = {org_id: [0, 0, 0] for org_id in paths}
    by_hex = {org_id.hex: org_id for org_id in paths}
    for org_id, path in paths.items():
        own = counts.get(org_id, Counts())
        for part in path.strip("/").split("/"):
            ancestor = by_hex.get(part)
            if ancestor is not None:
                total = totals[ancestor]
                total[0] += own.members
                total[1] += own.full
                total[2] += own.probationary
    return {org_id: Counts(*values) for org_id, values in totals.items()}


class OrgFigures(NamedTuple):
    """One organization's figures in a peer's aggregate answer: how many it counts, how many of
    those fall short."""

    of: int
    short: int


async def _get(peer: PeerClient, path: str, params: dict[str, str]) -> Any:
    response = await peer.request("GET", path, params=params)
    if response.status_code != 200:
        raise PeerUnavailable(peer.name, f"status {response.status_code}")
    try:
        return response.json()
    except ValueError:
        raise PeerUnavailable(peer.name, "not JSON") from None


def _figures(peer: PeerClient, rows: Any, of: Callable[[Any], Any], short: Callable[[Any], Any]) -> dict[uuid.UUID, OrgFigures]:
    try:
        return {uuid.UUID(str(row["org_id"])): OrgFigures(int(of(row)), int(short(row))) for row in rows}
    except (KeyError, TypeError, ValueError, AttributeError):
        raise PeerUnavailable(peer.name, "unexpected answer") from None


async def compliance(peer: PeerClient, within: uuid.UUID, period: str) -> dict[uuid.UUID, OrgFigures]:
    """Activities' compliance report of the subtree for the period: each organization counted once,
    short when it has not met every expected meeting (`met` false)."""
    body = await _get(peer, "/api/v1/compliance", {"within": str(within), "period": period})
    rows = body.get("organizations") if isinstance(body, dict) else None
    return _figures(peer, rows, lambda _row: 1, lambda row: not row["met"])


async def study(peer: PeerClient, within: uuid.UUID, as_of: date) -> dict[uuid.UUID, OrgFigures]:
    """Activities' study summary of the subtree as of a day: members per organization, and those
    below their study hours so far."""
    body = await _get(peer, "/api/v1/study/summary", {"within": str(within), "as_of": as_of.isoformat()})
    rows = body.get("organizations") if isinstance(body, dict) else None
    return _figures(peer, rows, lambda row: row["members"], lambda row: row["below"])


async def contacts(peer: PeerClient, within: uuid.UUID, as_of: date) -> dict[uuid.UUID, OrgFigures]:
    """Activities' contacts summary of the subtree as of a day: followed (floating, displaced …)
    members per organization, and those not contacted within the policy's window."""
    body = await _get(peer, "/api/v1/contacts/summary", {"within": str(within), "as_of": as_of.isoformat()})
    rows = body.get("organizations") if isinstance(body, dict) else None
    return _figures(peer, rows, lambda row: row["followed"], lambda row: int(row["followed"]) - int(row["contacted"]))


async def dues(peer: PeerClient, within: uuid.UUID, month: str) -> dict[uuid.UUID, OrgFigures]:
    """The members service's dues totals of a month: members assessed per organization, and those
    not settled."""
    body = await _get(peer, "/api/v1/dues/totals", {"within": str(within), "month": month})
    return _figures(peer, body, lambda row: row["members"], lambda row: row["unpaid_members"])


async def evidence_orgs(
    peer: PeerClient, activity_ids: list[uuid.UUID], attachment_ids: list[uuid.UUID]
) -> tuple[dict[uuid.UUID, uuid.UUID], dict[uuid.UUID, uuid.UUID]]:
    """The activities service's organization of each of `activity_ids` and `attachment_ids` it
    knows (an attachment's: its activity's), by id."""
    body = await _post(
        peer,
        "/internal/evidence-orgs",
        {
            "activity_ids": [str(i) for i in dict.fromkeys(activity_ids)],
            "attachment_ids": [str(i) for i in dict.fromkeys(attachment_ids)],
        },
    )
    try:
        return tuple(  # type: ignore[return-value]
            {uuid.UUID(str(key)): uuid.UUID(str(value)) for key, value in body[part].items()}
            for part in ("activities", "attachments")
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise PeerUnavailable(peer.name, "unexpected answer") from None
