"""The county of a record: the key a Citus cluster distributes the members schema by
(docs/scaling.md), so that a county and everything below it sit on one shard.

An organization's county is the deepest organization of tier `county` on its path, itself
included (a benchmark's province and cities are stored at that tier, so their own members form
their own group). A node whose path holds no county (its ancestors not yet in the replica) is
its own county until they arrive. A member record and its history carry the county of the
member's organization.
"""

from collections.abc import Collection, Sequence
from uuid import UUID

COUNTY_TIER = "county"


def path_ids(path: str) -> list[UUID]:
    """The ids on a materialized path (`/<root>/…/<node>/`), root first."""
    return [UUID(hex=part) for part in path.strip("/").split("/") if part]


def county_of(path: Sequence[UUID], counties: Collection[UUID]) -> UUID:
    """The county of the node at the end of `path` (root first), given which of its ids are
    organizations of the county tier."""
    for node_id in reversed(path):
        if node_id in counties:
            return node_id
    return path[-1]
