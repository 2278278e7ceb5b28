"""Pure rules of organization setup (no I/O), one module per area: placement (`tree`), forms
(`diagnostics`), terms, elections and teams (`teams`), the 領頭雁 standard (`communities`),
joint branches (`units`), reserve pools and the form alarm (`worklists`).

Every number a rule uses is a field of `OrgsPolicy`, here (defaults from the seed report and the
national regulations named in DOMAIN.md); the rules take the policy as an argument.
"""

from pydantic import Field

from services.kit.policy import Policy
from services.orgs.enums import Facility, Role


class OrgsPolicy(Policy):
    """The numbers the orgs rules use (defaults from the seed report and national rules)."""

    # Form by members of the organization's subtree (seed 對策(二)1).
    committee_above_members: int = Field(100, description="More members than this: a committee (黨委)")
    general_branch_above_members: int = Field(50, description="More than this and up to the above: a general branch")
    branch_min_full_members: int = Field(3, description="A branch needs at least this many full members, else a joint branch")
    joint_branch_max_units: int = Field(5, description="A joint branch joins at most this many units")
    branch_max_members: int = Field(50, description="A branch generally has at most this many members")
    committee_with_approval_members: int = Field(100, description="A village may form a committee from this many, approved")
    representatives_congress_members: int = Field(500, description="From this many members, a members' congress")
    # Leadership (支部工作條例).
    branch_committee_min_full_members: int = Field(7, description="From this many full members, a branch committee")
    committee_min_size: int = Field(3, description="Smallest branch committee")
    committee_usual_max_size: int = Field(5, description="Usual largest branch committee")
    committee_max_size: int = Field(7, description="Largest branch committee")
    team_min_size: int = Field(3, description="A team smaller than this must be strengthened ...")
    team_min_org_members: int = Field(3, description="... where the organization has at least this many members")
    # Terms (中辦 2018 任期意見).
    term_years_base: int = Field(5, description="Community and village organizations and base committees")
    term_years_branch: int = Field(3, description="Other branches and general branches")
    term_reminder_months: int = Field(6, description="Terms ending within this many months are listed")
    election_max_offset_years: int = Field(1, description="Early or late elections at most this far off")
    election_quorum_share: float = Field(0.8, description="More than this share of voters must be present")
    election_majority_share: float = Field(0.5, description="Elected with more than this share of those present")
    # Community bodies' terms (村民委員會組織法: 5 years since 2018; the supervisory committee and the
    # collective economic organization follow the committee's term).
    body_term_years: int = Field(5, description="A term of a community body (residents' committee, 監委會, 經濟組織 …)")
    body_election_quorum_share: float = Field(
        0.5, description="A body's election: more than this share of registered voters must vote"
    )
    body_election_majority_share: float = Field(0.5, description="A body's election: elected with more than this share")
    # Elections (`/elections`, 基層組織選舉工作條例): 差額 for committee seats, 等額 allowed for these roles.
    election_contest_share: float = Field(
        0.2, description="Committee candidates exceed the seats by at least this share (差額選舉), rounded up"
    )
    election_equal_roles: list[Role] = Field(
        default_factory=lambda: [Role.secretary, Role.deputy_secretary],
        description="Roles whose candidates may equal the seats (等額選舉)",
    )
    # 領頭雁 "三個60%" (seed 對策(三)1).
    leading_goose_college_share: float = Field(0.6, description="Share of the team with college education or above")
    leading_goose_young_share: float = Field(0.6, description="Share of the team under the age limit")
    leading_goose_age_limit: int = Field(45, description="The age limit of the above")
    leading_goose_cross_appointed_share: float = Field(0.6, description="Share of the team cross-appointed")
    # Target-based assessment (目標管理考核, `/assessments`).
    assessment_full_score: float = Field(
        100.0, gt=0, description="An assessment indicator's full score: a share met in full, or nothing to count"
    )
    # Work lists (seed 問題2, 問題3).
    form_alarm_members: int = Field(150, description="Communities over this many members and no committee are called out")
    reserve_pool_min_size: int = Field(2, description="A reserve-cadre pool smaller than this is thin")
    reserve_pool_min_college_share: float = Field(
        0.5, description="A pool with a smaller share of college or above is poorly educated"
    )
    # The seed's remaining problems (section 2 and 4), judged by the diagnostics.
    worker_old_age: int = Field(50, description="A community worker of this age or older counts as old")
    worker_max_old_share: float = Field(0.5, description="A larger share of old community workers is an ageing workforce")
    worker_min_college_share: float = Field(
        0.5, description="A smaller share of community workers with college or above is under-educated"
    )
    admission_gap_years: int = Field(3, ge=1, description="No one admitted in a community for this many years: 入黨無門")
    service_activities_min: int = Field(
        4, ge=0, description="Fewer held service activities in a community's last 12 months: few (activities service's types)"
    )
    basic_facilities: list[Facility] = Field(
        default_factory=lambda: [Facility.meeting_room, Facility.activity_room, Facility.service_hall],
        description="What a community's venues must offer between them",
    )
