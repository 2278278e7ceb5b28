"""Tasks sent down (下發任務): a higher organization addresses a task to organizations of its
subtree — every community, a list, the communities on a work list or the organizations with a
diagnostic — with a deadline and the evidence required; each recipient replies, the issuer
accepts or returns the reply; the overdue recipients are listed for any level.

Scope: a caller sees a task when its scope holds the issuer (and then every recipient) or one of
the recipients (and then only those). Anything else is 404, the same as no task at all. Only the
issuer's side decides on replies.
"""

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.kit.pagination import keyset_page, page_of
from services.kit.peers import PeerClient
from services.kit.tree import subtree_of
from services.orgs.enums import AssignmentStatus, OrgStatus, OrgTier, ReplyDecision, TaskRecipients
from services.orgs.errors import MISSING_EVIDENCE, NOT_ISSUER, RULE_VIOLATION, WRONG_STATE
from services.orgs.models import Organization, Task, TaskAssignment, TaskReply
from services.orgs.rules import tasks as rules
from services.orgs.schemas.tasks import Assignment, DecisionCreate, OverdueItem, ReplyCreate, StatusCounts, TaskCreate, TaskDetail
from services.orgs.schemas.tasks import Reply as ReplyShape
from services.orgs.schemas.tasks import Task as TaskShape
from services.orgs.service import diagnostics, worklists
from services.orgs.service.common import (
    OrgsContext,
    check_evidence,
    get_visible,
    in_scope,
    not_found,
    referenced_org,
    unknown_reference,
)


def scoped_org_ids(ctx: OrgsContext) -> Select[uuid.UUID]:
    """The ids of the caller's organizations, as a subquery (`column.in_(...)`). Outer queries
    that also read organizations take an alias, so this never correlates with them."""
    return select(Organization.id).where(in_scope(ctx))


async def in_scope_of(session: AsyncSession, ctx: OrgsContext, org_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    ids = list(set(org_ids))
    if ctx.scope is None:
        return set(ids)
    return set(await session.scalars(scoped_org_ids(ctx).where(Organization.id.in_(ids))))


def visible_tasks(ctx: OrgsContext) -> Select[Task]:
    stmt = select(Task)
    if ctx.scope is None:
        return stmt
    mine = scoped_org_ids(ctx)
    addressed = select(TaskAssignment.id).where(TaskAssignment.task_id == Task.id, TaskAssignment.org_id.in_(mine)).exists()
    return stmt.where(Task.issuer_org_id.in_(mine) | addressed)


async def _task(session: AsyncSession, ctx: OrgsContext, task_id: uuid.UUID) -> Task:
    task = (await session.execute(visible_tasks(ctx).where(Task.id == task_id))).scalar_one_or_none()
    if task is None:
        raise not_found("Task", task_id)
    return task


async def _recipients(
    session: AsyncSession, ctx: OrgsContext, issuer: Organization, data: TaskCreate, members: PeerClient
) -> list[uuid.UUID]:
    chosen = data.recipients
    below = subtree_of(Organization.tree_key, issuer.tree_key) & (Organization.id != issuer.id)
    if chosen.mode is TaskRecipients.all_communities:
        return list(
            await session.scalars(
                select(Organization.id)
                .where(below, Organization.tier == OrgTier.community.value, Organization.status == OrgStatus.active.value)
                .order_by(Organization.tree_key)
            )
        )
    if chosen.mode is TaskRecipients.listed:
        found = set(
            await session.scalars(
                select(Organization.id).where(
                    below, Organization.id.in_(chosen.org_ids), Organization.status == OrgStatus.active.value
                )
            )
        )
        if len(found) != len(set(chosen.org_ids)):
            # Outside the issuer's subtree, inactive, or nothing at all: one answer for each.
            raise unknown_reference("recipients.org_ids", "active organization below the issuer")
        return list(dict.fromkeys(chosen.org_ids))
    if chosen.mode is TaskRecipients.work_list:
        assert chosen.worklist is not None
        lists = await worklists.work_lists(session, ctx, issuer.id, members=members, as_of=None)
        return list(dict.fromkeys(item.party_org_id for item in getattr(lists, chosen.worklist.value)))
    assert chosen.rule is not None
    found_now = await diagnostics.diagnose(session, ctx, issuer.id, members=members, as_of=None)
    return list(dict.fromkeys(i.org_id for i in found_now.items if i.rule == chosen.rule and i.org_id != issuer.id))


async def issue_task(session: AsyncSession, ctx: OrgsContext, data: TaskCreate, *, members: PeerClient) -> TaskDetail:
    issuer = await referenced_org(session, ctx, data.issuer_org_id, "issuer_org_id")
    error = rules.deadline_error(data.deadline, ctx.today)
    if error:
        raise RULE_VIOLATION.on("deadline", error, detail=error)
    recipients = await _recipients(session, ctx, issuer, data, members)
    if not recipients:
        raise RULE_VIOLATION.on("recipients", "no organization to send to", detail="The recipients chosen are none today")
    task = Task(
        id=uuid.uuid4(),
        version=1,
        issuer_org_id=issuer.id,
        title=data.title,
        content=data.content,
        deadline=data.deadline,
        evidence_required=[e.value for e in data.evidence_required],
        evidence_note=data.evidence_note,
        issued_on=ctx.today,
        issued_by=ctx.caller.subject,
        recipients_mode=data.recipients.mode.value,
        selection=data.recipients.model_dump(mode="json", exclude={"mode", "org_ids"}, exclude_none=True),
    )
    session.add(task)
    await session.flush()
    session.add_all(
        TaskAssignment(id=uuid.uuid4(), version=1, task_id=task.id, org_id=org_id, status=AssignmentStatus.pending.value)
        for org_id in recipients
    )
    await session.flush()
    return await task_detail(session, ctx, task.id)


async def _assignments(session: AsyncSession, ctx: OrgsContext, task: Task, org_id: uuid.UUID | None = None) -> list[Assignment]:
    recipient = aliased(Organization)
    stmt = (
        select(TaskAssignment, recipient.name)
        .join(recipient, recipient.id == TaskAssignment.org_id)
        .where(TaskAssignment.task_id == task.id)
        .order_by(recipient.tree_key)
    )
    if org_id is not None:
        stmt = stmt.where(TaskAssignment.org_id == org_id)
    if not await in_scope_of(session, ctx, [task.issuer_org_id]):
        stmt = stmt.where(TaskAssignment.org_id.in_(scoped_org_ids(ctx)))
    rows = (await session.execute(stmt)).all()
    replies: dict[uuid.UUID, list[TaskReply]] = {}
    if rows:
        found = await session.scalars(
            select(TaskReply).where(TaskReply.assignment_id.in_([a.id for a, _ in rows])).order_by(TaskReply.number)
        )
        for reply in found:
            replies.setdefault(reply.assignment_id, []).append(reply)
    return [
        Assignment(
            task_id=task.id,
            org_id=a.org_id,
            org_name=name,
            status=AssignmentStatus(a.status),
            overdue=rules.is_overdue(AssignmentStatus(a.status), task.deadline, ctx.today),
            replied_on=a.replied_on,
            accepted_on=a.accepted_on,
            replies=[ReplyShape.model_validate(r) for r in replies.get(a.id, [])],
            version=a.version,
        )
        for a, name in rows
    ]


def _counts(assignments: Iterable[tuple[AssignmentStatus, int]], task: Task, today: date) -> StatusCounts:
    counts = StatusCounts()
    for status, n in assignments:
        setattr(counts, status.value, getattr(counts, status.value) + n)
        if rules.is_overdue(status, task.deadline, today):
            counts.overdue += n
    return counts


def _shape(task: Task, counts: StatusCounts) -> dict[str, object]:
    return {
        **{name: getattr(task, name) for name in TaskShape.model_fields if name != "counts"},
        "counts": counts,
    }


async def task_detail(session: AsyncSession, ctx: OrgsContext, task_id: uuid.UUID) -> TaskDetail:
    task = await _task(session, ctx, task_id)
    recipients = await _assignments(session, ctx, task)
    counts = _counts(((r.status, 1) for r in recipients), task, ctx.today)
    return TaskDetail.model_validate({**_shape(task, counts), "recipients": recipients})


async def list_tasks(
    session: AsyncSession, ctx: OrgsContext, *, within: uuid.UUID | None, cursor: str | None, limit: int
) -> tuple[list[TaskShape], str | None]:
    """Tasks the caller sees, newest first by id order; `within`: issued or addressed inside that subtree."""
    stmt = visible_tasks(ctx)
    if within is not None:
        root = await get_visible(session, ctx, within)
        inside = select(Organization.id).where(subtree_of(Organization.tree_key, root.tree_key))
        addressed = select(TaskAssignment.id).where(TaskAssignment.task_id == Task.id, TaskAssignment.org_id.in_(inside))
        stmt = stmt.where(Task.issuer_org_id.in_(inside) | addressed.exists())
    rows = (await session.execute(keyset_page(stmt, [Task.id], cursor, limit))).scalars().all()
    tasks, next_cursor = page_of(rows, limit, lambda t: [t.id])
    if not tasks:
        return [], next_cursor
    issuers_seen = await in_scope_of(session, ctx, [t.issuer_org_id for t in tasks])
    mine = TaskAssignment.org_id.in_(scoped_org_ids(ctx)) if ctx.scope is not None else TaskAssignment.org_id.isnot(None)
    grouped = await session.execute(
        select(TaskAssignment.task_id, TaskAssignment.status, mine.label("mine"), func.count())
        .where(TaskAssignment.task_id.in_([t.id for t in tasks]))
        .group_by(TaskAssignment.task_id, TaskAssignment.status, "mine")
    )
    by_task: dict[uuid.UUID, list[tuple[AssignmentStatus, int]]] = {}
    by_id = {t.id: t for t in tasks}
    for task_id, status, is_mine, n in grouped:
        if is_mine or by_id[task_id].issuer_org_id in issuers_seen:
            by_task.setdefault(task_id, []).append((AssignmentStatus(status), int(n)))
    shapes = [TaskShape.model_validate(_shape(t, _counts(by_task.get(t.id, []), t, ctx.today))) for t in tasks]
    return shapes, next_cursor


async def _assignment_for_update(session: AsyncSession, ctx: OrgsContext, task: Task, org_id: uuid.UUID) -> TaskAssignment:
    stmt = select(TaskAssignment).where(TaskAssignment.task_id == task.id, TaskAssignment.org_id == org_id)
    if ctx.scope is not None:
        stmt = stmt.where(TaskAssignment.org_id.in_(scoped_org_ids(ctx)))
    assignment = (await session.execute(stmt.with_for_update())).scalar_one_or_none()
    if assignment is None:
        raise not_found("Recipient", org_id)
    return assignment


async def reply(
    session: AsyncSession,
    ctx: OrgsContext,
    task_id: uuid.UUID,
    org_id: uuid.UUID,
    data: ReplyCreate,
    *,
    activities: PeerClient,
) -> Assignment:
    task = await _task(session, ctx, task_id)
    assignment = await _assignment_for_update(session, ctx, task, org_id)
    error = rules.reply_error(AssignmentStatus(assignment.status))
    if error:
        raise WRONG_STATE(error)
    missing = rules.missing_evidence(
        task.evidence_required, text=data.text, attachment_ids=data.attachment_ids, activity_ids=data.activity_ids
    )
    if missing:
        raise MISSING_EVIDENCE(f"The task requires evidence the reply lacks: {', '.join(missing)}")
    await check_evidence(session, ctx, activities, data.activity_ids, data.attachment_ids)
    number = int(await session.scalar(select(func.count()).where(TaskReply.assignment_id == assignment.id)) or 0) + 1
    session.add(
        TaskReply(
            id=uuid.uuid4(),
            assignment_id=assignment.id,
            number=number,
            text=data.text,
            activity_ids=[str(i) for i in data.activity_ids],
            attachment_ids=[str(i) for i in data.attachment_ids],
            replied_on=ctx.today,
            replied_by=ctx.caller.subject,
        )
    )
    assignment.status = AssignmentStatus.replied.value
    assignment.replied_on = ctx.today
    assignment.version += 1
    await session.flush()
    [shape] = await _assignments(session, ctx, task, org_id)
    return shape


async def decide(
    session: AsyncSession, ctx: OrgsContext, task_id: uuid.UUID, org_id: uuid.UUID, data: DecisionCreate
) -> Assignment:
    task = await _task(session, ctx, task_id)
    if not await in_scope_of(session, ctx, [task.issuer_org_id]):
        raise NOT_ISSUER("Only the issuing organization's side accepts or returns replies")
    assignment = await _assignment_for_update(session, ctx, task, org_id)
    error = rules.decision_error(AssignmentStatus(assignment.status))
    if error:
        raise WRONG_STATE(error)
    last = (
        await session.execute(
            select(TaskReply).where(TaskReply.assignment_id == assignment.id).order_by(TaskReply.number.desc()).limit(1)
        )
    ).scalar_one()
    last.decision = data.decision.value
    last.note = data.note
    last.decided_at = datetime.now(UTC)
    last.decided_by = ctx.caller.subject
    status = rules.after_decision(data.decision)
    assignment.status = status.value
    assignment.accepted_on = ctx.today if data.decision is ReplyDecision.accept else None
    assignment.version += 1
    await session.flush()
    [shape] = await _assignments(session, ctx, task, org_id)
    return shape


async def overdue(
    session: AsyncSession, ctx: OrgsContext, *, within: uuid.UUID, cursor: str | None, limit: int
) -> tuple[list[OverdueItem], str | None]:
    """Recipients inside `within`'s subtree past a deadline and still owing a reply, by deadline."""
    root = await get_visible(session, ctx, within)
    recipient = aliased(Organization)
    stmt = (
        select(TaskAssignment, Task, recipient.name)
        .join(Task, Task.id == TaskAssignment.task_id)
        .join(recipient, recipient.id == TaskAssignment.org_id)
        .where(
            subtree_of(recipient.tree_key, root.tree_key),
            TaskAssignment.status.in_([s.value for s in rules.OWING]),
            Task.deadline < ctx.today,
        )
    )
    rows = (await session.execute(keyset_page(cast(Any, stmt), [Task.deadline, TaskAssignment.id], cursor, limit))).all()
    page, next_cursor = page_of(rows, limit, lambda r: [r[1].deadline, r[0].id])
    items = [
        OverdueItem(
            task_id=task.id,
            title=task.title,
            issuer_org_id=task.issuer_org_id,
            deadline=task.deadline,
            org_id=a.org_id,
            org_name=name,
            status=AssignmentStatus(a.status),
            days_overdue=rules.days_overdue(task.deadline, ctx.today),
        )
        for a, task, name in page
    ]
    return items, next_cursor
