"""Where an organization may sit in the tree, and which moves and merges keep it a tree."""

from services.orgs.enums import OrgKind, OrgStatus, OrgTier

# Which tier may sit directly under which: the county is the root of a deployment.
ALLOWED_PARENT_TIERS: dict[OrgTier, frozenset[OrgTier | None]] = {
    OrgTier.county: frozenset({None}),
    OrgTier.township: frozenset({OrgTier.county}),
    OrgTier.community: frozenset({OrgTier.township}),
    OrgTier.unit: frozenset({OrgTier.township, OrgTier.community}),
    OrgTier.inner: frozenset({OrgTier.community, OrgTier.unit, OrgTier.inner}),
}

# A party group (黨小組) is never an organization of its own above an inner level.
ALLOWED_KINDS: dict[OrgTier, frozenset[OrgKind]] = {
    OrgTier.county: frozenset({OrgKind.committee}),
    OrgTier.township: frozenset({OrgKind.committee}),
    OrgTier.community: frozenset({OrgKind.committee, OrgKind.general_branch, OrgKind.branch, OrgKind.joint_branch}),
    OrgTier.unit: frozenset({OrgKind.committee, OrgKind.general_branch, OrgKind.branch, OrgKind.joint_branch}),
    OrgTier.inner: frozenset({OrgKind.general_branch, OrgKind.branch, OrgKind.joint_branch, OrgKind.group}),
}


def placement_error(tier: OrgTier, kind: OrgKind, parent_tier: OrgTier | None, parent_kind: OrgKind | None) -> str | None:
    """Why an organization of `tier`/`kind` may not sit under the given parent, or None if it may."""
    if kind not in ALLOWED_KINDS[tier]:
        return f"a {tier.value} organization cannot be a {kind.value}"
    if parent_tier not in ALLOWED_PARENT_TIERS[tier]:
        where = parent_tier.value if parent_tier else "the top of the tree"
        return f"a {tier.value} organization cannot sit under {where}"
    if parent_kind is OrgKind.group:
        return "nothing can sit under a party group"
    return None


def move_error(node_path: str, new_parent_path: str) -> str | None:
    """A node may not move under itself or one of its descendants."""
    if new_parent_path.startswith(node_path):
        return "an organization cannot move under itself or its own descendants"
    return None


def merge_error(source_path: str, target_path: str, target_status: str) -> str | None:
    """A merge needs a distinct, active survivor outside the merged organization's subtree."""
    if source_path == target_path:
        return "an organization cannot merge into itself"
    if target_status != OrgStatus.active:
        return f"the survivor is {target_status}, not active"
    if target_path.startswith(source_path):
        return "an organization cannot merge into its own descendant"
    return None
