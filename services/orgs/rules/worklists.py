"""The work lists' own rules: a thin or poorly educated reserve pool, the seed's form alarm."""

from services.orgs.enums import OrgKind
from services.orgs.rules import OrgsPolicy


def reserve_pool_problems(cadres: int, college_or_above: int, policy: OrgsPolicy) -> tuple[bool, bool]:
    """(thin, poorly educated) for a community's pool of reserve cadres (seed 問題3: 77 cadres, 20 of them college)."""
    thin = cadres < policy.reserve_pool_min_size
    poorly_educated = cadres == 0 or college_or_above < policy.reserve_pool_min_college_share * cadres
    return thin, poorly_educated


def form_called_out(kind: OrgKind, members: int, policy: OrgsPolicy) -> bool:
    """The seed's own example of a form mismatch: over 150 members and still no committee (問題2)."""
    return members > policy.form_alarm_members and kind is not OrgKind.committee
