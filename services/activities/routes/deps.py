"""What the handlers share: the operation context of a reader or a writer, periods and the as-of day."""

from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from services.activities import errors
from services.activities.rules.compliance import Period, parse_period
from services.activities.service.common import ActivitiesContext
from services.kit.context import operation_context

READERS = ("org_admin", "viewer", "service")
WRITERS = ("org_admin",)
# People by role, our services by the `service` role, other systems by the scopes `activities:read` /
# `activities:write` (kit.auth.admits); the administrative roles and `member` get 403 here.
Reader = Annotated[ActivitiesContext, operation_context(ActivitiesContext, "activities", *READERS)]
Writer = Annotated[ActivitiesContext, operation_context(ActivitiesContext, "activities", *WRITERS, write=True)]


def _period(period: Annotated[str, Query(max_length=16, description="`2026`, `2026-H1`, `2026-Q3` or `2026-07`")]) -> Period:
    try:
        return parse_period(period)
    except ValueError as error:
        detail = f"The period {period!r} is not valid: {error}"
        raise errors.VALIDATION_ERROR.on("period", str(error), detail=detail, location="query") from None


PeriodDep = Annotated[Period, Depends(_period)]


def _as_of(
    ctx: Reader, as_of: Annotated[date | None, Query(description="The day the list is for (default: today)")] = None
) -> date:
    return as_of or ctx.today


AsOfDep = Annotated[date, Depends(_as_of)]
