"""The survey report's groups: education levels and the positions that make a team member."""

from services.members.enums import Education

# The survey report's education groups: 大專以上 and 初中以下 (DOMAIN.md).
COLLEGE_OR_ABOVE = (Education.college, Education.bachelor, Education.postgraduate)


JUNIOR_HIGH_OR_BELOW = (Education.junior_high, Education.primary_or_below)


# Positions that make a team member (班子成員) in the orgs service's terms (a group leader does not).
TEAM_ROLES = (
    "secretary",
    "deputy_secretary",
    "organization_member",
    "propaganda_member",
    "discipline_member",
    "committee_member",
)
