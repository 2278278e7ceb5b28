"""What orgs asks its one peer, the members service (contracts.md): member counts per organization
and per community, and the records of member ids (where each is: a reference is checked in the
caller's scope on orgs' own tree). An unreachable or misbehaving members service is a 503 problem
(`errors.PEER_UNAVAILABLE`), never a guess.

Not an area: the operations of several areas ask through it, each handed the client by its route.
"""

import uuid
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
