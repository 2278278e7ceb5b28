"""The training register's rules: a course's days and hours, an attendee's credited hours."""

from datetime import date
from decimal import Decimal
from typing import Any

from services.kit.problems import field_error


def course_errors(started_on: date, ended_on: date, today: date) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    if ended_on < started_on:
        errors.append(field_error("ended_on", "before the course starts"))
    if started_on > today:
        errors.append(field_error("started_on", "a course is registered once it has begun"))
    return errors


def credited_hours(course_hours: Decimal, given: Decimal | None) -> Decimal:
    """An attendee's hours: the course's unless fewer are given."""
    return course_hours if given is None else given


def attendee_errors(index: int, course_hours: Decimal, given: Decimal | None) -> list[dict[str, Any]]:
    if given is not None and given > course_hours:
        return [field_error(f"attendees.{index}.hours", f"more than the course's {course_hours} hours")]
    return []
