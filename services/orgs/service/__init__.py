"""Organization setup operations. They take a session, flush, record events, and never commit.

The tree's operations are re-exported here; the other areas live in their own modules
(`communities`, `teams`, `units`, `diagnostics`) and `members_peer` asks the members service.
"""

from services.orgs.service.common import get_visible, in_scope, visible
from services.orgs.service.tree import (
    count_subtree,
    create_org,
    dissolve_org,
    history,
    list_orgs,
    merge_org,
    move_org,
    update_org,
)

__all__ = [
    "count_subtree",
    "create_org",
    "dissolve_org",
    "get_visible",
    "history",
    "in_scope",
    "list_orgs",
    "merge_org",
    "move_org",
    "update_org",
    "visible",
]
