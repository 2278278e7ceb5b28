"""The survey report (issue 7): the organization-setup half of its figures, per setting."""

import uuid
from datetime import date

from services.kit.schemas import Schema
from services.orgs.enums import OrgKind, Setting


class CommunitiesSurveyCounts(Schema):
    """Counts of one side (rural, urban, or both); keys are the report's figure keys."""

    communities: int = 0
    community_units: int = 0
    reserve_cadres: int = 0
    reserve_cadres_college_or_above: int = 0
    form_mismatches: int = 0


class FormMismatch(Schema):
    """A community whose top organization's form does not match its membership (named in the report)."""

    community_id: uuid.UUID
    community_name: str
    setting: Setting
    org_id: uuid.UUID
    org_name: str
    kind: OrgKind
    expected_kind: OrgKind
    members: int
    full_members: int


class CommunitiesSurvey(Schema):
    within: uuid.UUID | None
    # The scope by name, for people (the report's header): `within`, else the caller's scope
    # (None: the whole deployment), and the county it lies in.
    scope_name: str | None = None
    county_name: str | None = None
    as_of: date
    rural: CommunitiesSurveyCounts
    urban: CommunitiesSurveyCounts
    total: CommunitiesSurveyCounts
    form_mismatches: list[FormMismatch]
