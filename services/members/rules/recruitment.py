"""Rules of the recruitment pipeline (發展黨員工作細則, 黨章): each step's dates, people and numbers."""

from datetime import date, timedelta
from typing import Any

from services.kit.problems import field_error
from services.members.enums import RecruitmentStage
from services.members.rules import MembersPolicy
from services.members.rules.common import age_on, months_after

# The stages in order; `cancelled` ends an application at any stage before full.
RECRUITMENT_STAGES = (
    RecruitmentStage.applicant,
    RecruitmentStage.activist,
    RecruitmentStage.development_target,
    RecruitmentStage.probationary,
    RecruitmentStage.full,
)
# Stages after which an application is closed (and no longer blocks its ID number).
CLOSED_STAGES = (RecruitmentStage.full, RecruitmentStage.cancelled)


def working_days(first: date, last: date) -> int:
    """Mondays to Fridays from `first` to `last`, both counted (public holidays are not taken out)."""
    if last < first:
        return 0
    weeks, extra = divmod((last - first).days + 1, 7)
    return weeks * 5 + sum(1 for offset in range(extra) if (first + timedelta(days=weeks * 7 + offset)).weekday() < 5)


def applicant_errors(*, birth_date: date, applied_on: date, today: date, policy: MembersPolicy) -> list[dict[str, Any]]:
    errors = []
    if applied_on > today:
        errors.append(field_error("applied_on", "is in the future"))
    if age_on(birth_date, applied_on) < policy.applicant_min_age:
        errors.append(field_error("birth_date", f"an applicant must be at least {policy.applicant_min_age}"))
    return errors


def talk_errors(*, applied_on: date, talked_on: date, reason: str | None, policy: MembersPolicy) -> list[dict[str, Any]]:
    if talked_on < applied_on:
        return [field_error("effective_on", "the talk is before the application")]
    if talked_on > months_after(applied_on, policy.talk_within_months) and not reason:
        return [
            field_error("reason", f"a talk later than {policy.talk_within_months} month(s) after the application needs a reason")
        ]
    return []


def contacts_errors(contacts: list[object], policy: MembersPolicy) -> list[dict[str, Any]]:
    if len(set(contacts)) != len(contacts):
        return [field_error("contact_ids", "a contact is named twice")]
    if not policy.activist_contacts_min <= len(contacts) <= policy.activist_contacts_max:
        bounds = f"{policy.activist_contacts_min}-{policy.activist_contacts_max}"
        return [field_error("contact_ids", f"an activist has {bounds} full members as contacts")]
    return []


def target_errors(*, activist_on: date, target_on: date, policy: MembersPolicy) -> list[dict[str, Any]]:
    earliest = months_after(activist_on, policy.activist_months_before_target)
    if target_on < earliest:
        months = policy.activist_months_before_target
        return [field_error("effective_on", f"an activist of less than {months} months (earliest {earliest.isoformat()})")]
    return []


def training_errors(*, days: int, hours: int, policy: MembersPolicy) -> list[dict[str, Any]]:
    if days < policy.training_min_days and hours < policy.training_min_hours:
        message = f"the training must last at least {policy.training_min_days} days or {policy.training_min_hours} hours"
        return [field_error("training", message)]
    return []


def introducers_errors(introducers: list[object], policy: MembersPolicy) -> list[dict[str, Any]]:
    if len(introducers) != policy.introducers or len(set(introducers)) != len(introducers):
        return [field_error("introducer_ids", f"name {policy.introducers} different full members as introducers")]
    return []


def admission_errors(
    *, target_on: date, notice_from: date, notice_to: date, meeting_on: date, policy: MembersPolicy
) -> list[dict[str, Any]]:
    """The public notice (公示) and the branch meeting (支部大會) of an admission."""
    errors = []
    if notice_from < target_on:
        errors.append(field_error("notice_from", "the notice starts before the person became a development target"))
    if working_days(notice_from, notice_to) < policy.notice_min_working_days:
        errors.append(field_error("notice_to", f"the notice must run at least {policy.notice_min_working_days} working days"))
    if meeting_on <= notice_to:
        errors.append(field_error("effective_on", "the branch meeting must follow the end of the notice"))
    return errors


def approval_errors(*, meeting_on: date, approved_on: date, reason: str | None, policy: MembersPolicy) -> list[dict[str, Any]]:
    if approved_on < meeting_on:
        return [field_error("effective_on", "the approval is before the branch meeting")]
    if approved_on > months_after(meeting_on, policy.approval_months_max):
        return [field_error("effective_on", f"approval more than {policy.approval_months_max} months after the branch meeting")]
    if approved_on > months_after(meeting_on, policy.approval_months) and not reason:
        return [field_error("reason", f"approval later than {policy.approval_months} months needs a reason")]
    return []
