"""Member records: the person, the record, its history, its changes, and the `member.*` events."""

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from services.kit.event_types import EventType
from services.kit.schemas import InputSchema, Schema
from services.members.enums import DueKind, Education, MemberEventKind, MemberState, Occupation, PartyStatus, Sex, Whereabouts
from services.members.schemas.common import MonthOut
from services.members.schemas.floating_reports import FloatingReportEvent

PHONE_PATTERN = r"^\+?[0-9][0-9 -]{4,19}$"


class WhereaboutsDetails(InputSchema):
    """Where the member is, by kind: the relationship's holder (not transferred), the destination,
    contact and whether it is a fixed place (floating out), the temporary address (displaced)."""

    relationship_org: str | None = Field(default=None, max_length=200, description="not_transferred: who holds the relationship")
    destination: str | None = Field(default=None, max_length=200)
    contact_person: str | None = Field(default=None, max_length=100)
    contact_phone: str | None = Field(default=None, max_length=30)
    fixed_place: bool | None = Field(default=None, description="floating_out: settled at one place (counts toward a transfer)")
    temporary_address: str | None = Field(default=None, max_length=300)
    expected_return: date | None = None


class PersonCreate(InputSchema):
    """The facts about a person that a member record and an application to join both carry."""

    name: str = Field(min_length=1, max_length=100)
    sex: Sex
    ethnicity: str | None = Field(default=None, max_length=32)
    id_number: str = Field(min_length=15, max_length=24, description="GB 11643, 18 characters; a lower-case x is accepted")
    birth_date: date
    phone: str | None = Field(default=None, max_length=20, pattern=PHONE_PATTERN)
    education: Education
    occupation: Occupation


# A record as `POST /members` takes it: the example of its body, and (as a row) of the import's csv.
MEMBER_EXAMPLE: dict[str, Any] = {
    "name": "王秀英",
    "sex": Sex.female,
    "ethnicity": "漢族",
    "id_number": "511322196803121221",
    "birth_date": "1968-03-12",
    "phone": "13808175316",
    "education": Education.junior_high,
    "occupation": Occupation.farmer,
    "party_status": PartyStatus.full,
    "joined_on": "1995-07-01",
    "full_on": "1996-07-01",
    "org_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
    "residence_community_id": "0e5a2c1b-7d3f-4b8e-9c6a-2f1d3e4b5a60",
    "whereabouts": Whereabouts.resident,
}


class MemberCreate(PersonCreate):
    model_config = ConfigDict(json_schema_extra={"examples": [MEMBER_EXAMPLE]})

    party_status: PartyStatus
    joined_on: date
    full_on: date | None = None
    org_id: uuid.UUID
    residence_community_id: uuid.UUID | None = None
    whereabouts: Whereabouts = Whereabouts.resident
    whereabouts_details: WhereaboutsDetails | None = None


class MemberUpdate(InputSchema):
    """Plain facts about the person; states, whereabouts and the organization change through their own actions."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"phone": "13808175316", "education": Education.secondary}]})

    name: str | None = Field(default=None, min_length=1, max_length=100)
    ethnicity: str | None = Field(default=None, max_length=32)
    phone: str | None = Field(default=None, max_length=20, pattern=PHONE_PATTERN)
    education: Education | None = None
    occupation: Occupation | None = None
    residence_community_id: uuid.UUID | None = None
    address: str | None = Field(default=None, max_length=300)


class StateChange(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"state": MemberState.lost_contact, "effective_on": "2026-03-01", "reason": "外出務工後半年無法聯繫。"}]
        }
    )

    state: MemberState = Field(description="normal restores a member; transferred_out only comes from a received transfer")
    effective_on: date
    reason: str | None = Field(default=None, max_length=500)


class BecomeFull(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"full_on": "2026-07-01"}]})

    full_on: date


class WhereaboutsChange(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "whereabouts": Whereabouts.floating_out,
                    "since": "2026-02-20",
                    "details": {
                        "destination": "廣東省東莞市長安鎮",
                        "contact_person": "王𠮷祥",
                        "contact_phone": "13923456789",
                        "fixed_place": True,
                        "expected_return": "2027-01-25",
                    },
                }
            ]
        }
    )

    whereabouts: Whereabouts
    since: date = Field(description="when the member left, was displaced, or (for resident) came back")
    details: WhereaboutsDetails | None = None


class Member(Schema):
    id: uuid.UUID
    name: str
    sex: Sex
    ethnicity: str | None
    id_number: str = Field(description="masked (110105************: the region only) unless the caller's role may see it")
    birth_date: date | None = Field(description="null when masked: with the region and the sex it would narrow the ID number")
    birth_year_month: MonthOut = Field(description="YYYY-MM, for every caller (what a masked view knows of the birth date)")
    phone: str | None = Field(description="masked (138****5678) unless the caller's role may see it")
    education: Education
    occupation: Occupation
    party_status: PartyStatus
    state: MemberState
    state_since: date
    joined_on: date
    full_on: date | None
    org_id: uuid.UUID
    residence_community_id: uuid.UUID | None
    whereabouts: Whereabouts
    whereabouts_since: date | None
    whereabouts_details: dict[str, Any]
    care_programs: list[str]
    version: int
    created_at: datetime
    masked: bool
    dues_paid_through: MonthOut | None = Field(
        default=None, description="YYYY-MM: last month of the unbroken run of settled dues (transfer letters print it)"
    )
    address: str | None = Field(default=None, description="where the member lives; null when masked")


class MemberSnapshot(BaseModel):
    """What `member.*` events carry (never the ID number or phone). The services' own feeds carry
    the exact birth date; the gateway's events for other systems carry `birth_year_month` instead
    (with the region and the sex an exact date would narrow the masked ID number)."""

    id: uuid.UUID
    version: int
    name: str
    sex: Sex
    birth_date: date | None = Field(default=None, description="the services' own feeds only")
    birth_year_month: MonthOut | None = Field(default=None, description="YYYY-MM: the gateway's events, in place of birth_date")
    education: Education
    org_id: uuid.UUID
    residence_community_id: uuid.UUID | None
    party_status: PartyStatus
    state: MemberState
    whereabouts: Whereabouts
    joined_on: date
    full_on: date | None
    care_programs: list[str]


class MemberEvent(Schema):
    seq: int
    kind: MemberEventKind
    effective_on: date
    details: dict[str, Any]
    actor: str | None
    recorded_at: datetime


class DueMember(BaseModel):
    member: Member
    kind: DueKind
    since: date = Field(description="when the clock started (lost contact, joined, floating out)")
    due_on: date


class SearchRequest(InputSchema):
    """Exact search by personal numbers in the body, so that they never appear in a URL or its logs."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"id_number": "511322196803121221"}]})

    id_number: str | None = Field(default=None, min_length=15, max_length=24)
    phone: str | None = Field(default=None, max_length=30)


class LookupRequest(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"ids": ["5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f", "7c1e9a52-3b4d-4f6a-8e2c-9d0b1a2c3e4f"]}]
        }
    )

    ids: list[uuid.UUID] = Field(max_length=1000)


class LookupResult(BaseModel):
    items: list[Member]


class CountsRequest(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"org_ids": ["a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"]}]})

    org_ids: list[uuid.UUID] = Field(max_length=5000)
    as_of: date | None = Field(default=None, description="Members as of this day (default today)")


class OrgCounts(TypedDict):
    """A typed dict, not a model: a survey sends one per community (thousands), and validating
    that many model instances cost more than the query that counted them."""

    members: int
    full: int
    probationary: int


class CountsResult(BaseModel):
    counts: dict[str, OrgCounts]


class MemberClockEvent(MemberSnapshot):
    """What the scheduled clock events carry: the member's state and the clock that ran out."""

    clock: DueKind
    since: date
    due_on: date


class MemberDuesArrearsEvent(MemberSnapshot):
    """What the dues-arrears event carries: the member's state, the last month paid, the months unpaid."""

    paid_through: MonthOut | None
    months_unpaid: int


EVENT_TYPES: dict[str, EventType] = {
    "member.created": EventType("a member record was created (joined)", MemberSnapshot),
    "member.updated": EventType("a member record changed (became full, whereabouts, care …)", MemberSnapshot),
    "member.state_changed": EventType("a member's state changed (lost contact, suspended, left …)", MemberSnapshot),
    "member.transferred": EventType("a member's relationship moved to another organization", MemberSnapshot),
    "member.lost_contact_due": EventType("scheduled: lost contact for the policy period (once per spell)", MemberClockEvent),
    "member.floating_due": EventType("scheduled: floating out long enough to move the relationship", MemberClockEvent),
    "member.probation_due": EventType(
        "scheduled: the probation year is over, the member is due to become full", MemberClockEvent
    ),
    "member.dues_arrears": EventType("scheduled: dues unpaid for the policy's months without a reason", MemberDuesArrearsEvent),
    "floating_report.submitted": EventType("a floating member filed a periodic report (定期匯報)", FloatingReportEvent),
}
