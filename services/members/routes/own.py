"""`/api/v1/me/...` (members' part): a member account's own record with the ID number in full
(audited as every unmasked read), its history, the dues ledger and the transfers."""

from fastapi import APIRouter

from services.kit.db import ReadSessionDep
from services.kit.problems import answers
from services.members.errors import NOT_FOUND
from services.members.routes.deps import SelfContext
from services.members.schemas.dues import DuesMonthOut
from services.members.schemas.records import Member, MemberEvent
from services.members.schemas.transfers import Transfer
from services.members.service import own

router = APIRouter(prefix="/api/v1/me", tags=["own view"])


@router.get("/record", response_model=Member, responses=answers(NOT_FOUND))
async def own_record(session: ReadSessionDep, ctx: SelfContext) -> Member:
    """The caller's own member record, the ID number and phone in full."""
    return await own.record(session, ctx)


@router.get("/history", response_model=list[MemberEvent], responses=answers(NOT_FOUND))
async def own_history(session: ReadSessionDep, ctx: SelfContext) -> list[MemberEvent]:
    """Every dated event of the caller's own record."""
    return await own.history(session, ctx)


@router.get("/dues", response_model=list[DuesMonthOut], responses=answers(NOT_FOUND))
async def own_dues(session: ReadSessionDep, ctx: SelfContext) -> list[DuesMonthOut]:
    """The caller's dues ledger, month by month."""
    return await own.dues(session, ctx)


@router.get("/transfers", response_model=list[Transfer], responses=answers(NOT_FOUND))
async def own_transfers(session: ReadSessionDep, ctx: SelfContext) -> list[Transfer]:
    """The caller's relationship transfers with their letters' numbers and validity."""
    return await own.transfers(session, ctx)
