"""Who a care program is for: the green channel (elderly, needy) and the education upgrade."""

from datetime import date
from typing import Any

from services.kit.problems import field_error
from services.members.enums import CareGround, Education
from services.members.rules import MembersPolicy
from services.members.rules.common import age_on

# College or above (大專以上), ordered from lowest: the education upgrade targets a higher level.
EDUCATION_ORDER = (
    Education.primary_or_below,
    Education.junior_high,
    Education.secondary,
    Education.college,
    Education.bachelor,
    Education.postgraduate,
)


def green_channel_errors(
    *, grounds: list[str], services: list[str], birth_date: date, enrolled_on: date, policy: MembersPolicy
) -> list[dict[str, Any]]:
    errors = []
    if not grounds:
        errors.append(field_error("grounds", "the green channel is for elderly or needy members"))
    if CareGround.elderly in grounds and age_on(birth_date, enrolled_on) < policy.green_channel_min_age:
        errors.append(field_error("grounds", f"'{CareGround.elderly}' starts at {policy.green_channel_min_age}"))
    if not services:
        errors.append(field_error("services", "name at least one service"))
    return errors


def education_upgrade_errors(
    *, education: str, target_level: str | None, birth_date: date, enrolled_on: date, policy: MembersPolicy
) -> list[dict[str, Any]]:
    errors = []
    if age_on(birth_date, enrolled_on) >= policy.education_upgrade_max_age:
        errors.append(field_error("program", f"the education upgrade is for members under {policy.education_upgrade_max_age}"))
    if EDUCATION_ORDER.index(education) >= EDUCATION_ORDER.index(Education.college):
        errors.append(field_error("program", "the member already has college education or above"))
    if target_level is None:
        errors.append(field_error("target_level", "required"))
    elif EDUCATION_ORDER.index(target_level) <= EDUCATION_ORDER.index(education):
        errors.append(field_error("target_level", "must be above the member's education"))
    return errors
