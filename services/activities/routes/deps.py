"""What the handlers share: roles, the policy in force, periods and the as-of day from the query."""

from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Query, Request

from services.activities import rules
from services.activities.rules import ActivitiesPolicy, Period
from services.kit.auth import Caller, require_access
from services.kit.problems import Unprocessable

READERS = ("org_admin", "viewer", "service")
WRITERS = ("org_admin",)
# People by role, our services by the `service` role, other systems by the scopes `activities:read` /
# `activities:write` (kit.auth.admits); the administrative roles and `member` get 403 here.
Reader = Annotated[Caller, require_access("activities", *READERS)]
Writer = Annotated[Caller, require_access("activities", *WRITERS, write=True)]


def _policy(request: Request) -> ActivitiesPolicy:
    policy: ActivitiesPolicy = request.app.state.settings.policy
    return policy


PolicyDep = Annotated[ActivitiesPolicy, Depends(_policy)]


def _period(period: Annotated[str, Query(max_length=16, description="`2026`, `2026-Q3` or `2026-07`")]) -> Period:
    try:
        return rules.parse_period(period)
    except ValueError as error:
        raise Unprocessable(
            f"The period {period!r} is not valid: {error}",
            slug="validation-error",
            errors=[{"field": "period", "in": "query", "message": str(error)}],
        ) from None


PeriodDep = Annotated[Period, Depends(_period)]


def _as_of(
    policy: PolicyDep, as_of: Annotated[date | None, Query(description="The day the list is for (default: today)")] = None
) -> date:
    return as_of or rules.local_day(datetime.now().astimezone(), policy.timezone)


AsOfDep = Annotated[date, Depends(_as_of)]
