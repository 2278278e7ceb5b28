"""The community work lists the diagnostics report needs beyond a subtree's diagnostics."""

import uuid
from datetime import date

from services.kit.schemas import Schema
from services.orgs.enums import OrgKind
from services.orgs.schemas.communities import LeadingGooseShare


class CommunityRef(Schema):
    """A community with its top party organization, as the work lists name it."""

    community_id: uuid.UUID
    community_name: str
    setting: str
    party_org_id: uuid.UUID
    org_name: str


class LeadingGooseGap(CommunityRef):
    team_size: int
    age_limit: int
    college_or_above: LeadingGooseShare
    under_age_limit: LeadingGooseShare
    cross_appointed: LeadingGooseShare


class ReservePoolGap(CommunityRef):
    cadres: int
    college_or_above: int
    thin: bool
    poorly_educated: bool
    min_size: int
    min_college_share: float


class CoBuildingGap(CommunityRef):
    units: int
    agreements: int


class FormAlarm(CommunityRef):
    kind: OrgKind
    members: int
    threshold: int


class OrgWorkLists(Schema):
    """Work lists of a subtree's communities that the diagnostics need beyond /orgs/{id}/diagnostics."""

    org_id: uuid.UUID
    as_of: date
    below_leading_goose: list[LeadingGooseGap]
    reserve_pools: list[ReservePoolGap]
    units_without_co_building: list[CoBuildingGap]
    form_called_out: list[FormAlarm]
