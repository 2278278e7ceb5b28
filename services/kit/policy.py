"""Policy: every number a rule uses, in one object per service, overridable by configuration.

A service defines its policy as a frozen pydantic model (in `rules.py`, next to the rules that
read it), puts it in its settings (`ORGS_POLICY__TERM_YEARS=…` overrides a value) and serves it
at `GET /policy`; the gateway shows all of them together at `GET /api/v1/policy`.
"""

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.kit.auth import CallerDep
from services.kit.context import deployment_timezone, today_in


class Policy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # The deployment's time zone (DANGJIAN_TIMEZONE, default Asia/Shanghai), the same in every
    # process: "today" and an activity's local day are taken in it (kit.context).
    timezone: str = Field(default_factory=deployment_timezone)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            today_in(value)
        except (KeyError, ValueError):  # ZoneInfoNotFoundError is a KeyError
            raise ValueError(f"{value!r} is not a time zone name") from None
        return value


def policy_router(policy: Policy) -> APIRouter:
    router = APIRouter(tags=["policy"])

    @router.get("/policy", response_model=type(policy))
    async def read_policy(_caller: CallerDep) -> Policy:
        return policy

    return router
