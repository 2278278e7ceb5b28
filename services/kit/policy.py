"""Policy: every number a rule uses, in one object per service, overridable by configuration.

A service defines its policy as a frozen pydantic model (in `rules.py`, next to the rules that
read it), puts it in its settings (`ORGS_POLICY__TERM_YEARS=…` overrides a value) and serves it
at `GET /policy`; the gateway shows all of them together at `GET /api/v1/policy`.
"""

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from services.kit.auth import CallerDep


class Policy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def policy_router(policy: Policy) -> APIRouter:
    router = APIRouter(tags=["policy"])

    @router.get("/policy", response_model=type(policy))
    async def read_policy(_caller: CallerDep) -> Policy:
        return policy

    return router
