"""`/api/v1/tasks`: tasks sent down, the recipients' replies, the issuer's decisions, the overdue list."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.orgs.errors import (
    INACTIVE_REFERENCE,
    INVALID_CURSOR,
    INVALID_REQUEST,
    MISSING_EVIDENCE,
    NOT_FOUND,
    NOT_ISSUER,
    PEER_UNAVAILABLE,
    RULE_VIOLATION,
    UNKNOWN_REFERENCE,
    WRONG_STATE,
)
from services.orgs.routes.deps import ActivitiesDep, MembersDep, Reader, Writer
from services.orgs.schemas.tasks import Assignment, DecisionCreate, OverdueItem, ReplyCreate, Task, TaskCreate, TaskDetail
from services.orgs.service import tasks as service

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=TaskDetail,
    description="Send a task down to organizations of the issuer's subtree: every community (`all_communities`), a "
    "list (`listed`), the communities on a work list today (`work_list`), or the organizations with a diagnostic "
    "today (`diagnostic`; these two ask the members service: 503 when it cannot be asked).",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, UNKNOWN_REFERENCE, INACTIVE_REFERENCE, RULE_VIOLATION, PEER_UNAVAILABLE),
)
async def issue_task(data: TaskCreate, session: WriteSessionDep, ctx: Writer, members: MembersDep) -> TaskDetail:
    return await service.issue_task(session, ctx, data, members=members)


@router.get(
    "",
    response_model=Page[Task],
    description="Tasks issued by or addressed to the caller's organizations; `counts` are of the recipients it sees.",
    responses=answers(NOT_FOUND, INVALID_CURSOR),
)
async def list_tasks(
    session: ReadSessionDep,
    ctx: Reader,
    within: Annotated[uuid.UUID | None, Query(description="Issued or addressed inside this subtree")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Task]:
    items, next_cursor = await service.list_tasks(session, ctx, within=within, cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/overdue",
    response_model=Page[OverdueItem],
    description="Recipients in the subtree of `within` past a task's deadline (the deadline day is in time) that have "
    "not replied, or whose reply was returned and not replied again; oldest deadline first.",
    responses=answers(NOT_FOUND, INVALID_CURSOR),
)
async def overdue_recipients(
    session: ReadSessionDep,
    ctx: Reader,
    within: Annotated[uuid.UUID, Query(description="The level asking: a county, a township, a community")],
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[OverdueItem]:
    items, next_cursor = await service.overdue(session, ctx, within=within, cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


@router.get("/{task_id}", response_model=TaskDetail, responses=answers(NOT_FOUND))
async def get_task(task_id: uuid.UUID, session: ReadSessionDep, ctx: Reader) -> TaskDetail:
    return await service.task_detail(session, ctx, task_id)


@router.post(
    "/{task_id}/recipients/{org_id}/replies",
    status_code=status.HTTP_201_CREATED,
    response_model=Assignment,
    description="A recipient's reply: text, attachment ids and activity ids (references to the activities service, "
    "each in the caller's scope: 422 `unknown-reference` otherwise, 503 when the activities service cannot be asked). "
    "Allowed while nothing is awaiting a decision and the task is not accepted.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, WRONG_STATE, MISSING_EVIDENCE, UNKNOWN_REFERENCE, PEER_UNAVAILABLE),
)
async def reply_to_task(
    task_id: uuid.UUID, org_id: uuid.UUID, data: ReplyCreate, session: WriteSessionDep, ctx: Writer, activities: ActivitiesDep
) -> Assignment:
    return await service.reply(session, ctx, task_id, org_id, data, activities=activities)


@router.post(
    "/{task_id}/recipients/{org_id}/decision",
    response_model=Assignment,
    description="The issuer's side accepts the last reply, or returns it with a note (the recipient replies again).",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, NOT_ISSUER, WRONG_STATE),
)
async def decide_on_reply(
    task_id: uuid.UUID, org_id: uuid.UUID, data: DecisionCreate, session: WriteSessionDep, ctx: Writer
) -> Assignment:
    return await service.decide(session, ctx, task_id, org_id, data)
