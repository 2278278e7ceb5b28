"""`/api/v1/training`: the training register — courses, their attendees, a member's training history."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.activities import errors
from services.activities.routes.deps import Reader, Writer
from services.activities.schemas.training import AttendeesAdd, Course, CourseCreate, TrainingEntry
from services.activities.service import training
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.problems import answers

router = APIRouter(prefix="/api/v1/training", tags=["training register"])


@router.post(
    "/courses",
    status_code=status.HTTP_201_CREATED,
    response_model=Course,
    description="Registers a course (黨校, 社區黨校, 進修班) of an organization in the caller's scope, with its days and hours.",
    dependencies=[Idempotent],
    responses=answers(errors.UNKNOWN_ORGANIZATION, errors.RULE_VIOLATION),
)
async def create_course(data: CourseCreate, session: WriteSessionDep, ctx: Writer) -> Course:
    return await training.create_course(session, ctx, data)


@router.get("/courses", response_model=list[Course], responses=answers(errors.NOT_FOUND))
async def list_courses(
    session: ReadSessionDep,
    ctx: Reader,
    within: uuid.UUID,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="Courses ending in this year")] = None,
) -> list[Course]:
    return await training.list_courses(session, ctx, within, year)


@router.get("/courses/{course_id}", response_model=Course, responses=answers(errors.NOT_FOUND))
async def get_course(course_id: uuid.UUID, session: ReadSessionDep, ctx: Reader) -> Course:
    return await training.get_course(session, ctx, course_id)


@router.post(
    "/courses/{course_id}/attendees",
    response_model=Course,
    description="Adds the members who completed the course (or corrects their hours), all or none: each credited the "
    "course's hours unless fewer are given; the hours count toward their study hours in the year the course ends.",
    dependencies=[Idempotent],
    responses=answers(errors.NOT_FOUND, errors.UNKNOWN_MEMBER, errors.DUPLICATE_ATTENDANCE, errors.TOO_MANY_HOURS),
)
async def add_attendees(course_id: uuid.UUID, data: AttendeesAdd, session: WriteSessionDep, ctx: Writer) -> Course:
    return await training.add_attendees(session, ctx, course_id, data)


@router.get(
    "/members/{member_id}",
    response_model=list[TrainingEntry],
    description="A member's (a cadre's) training history, oldest first.",
    responses=answers(errors.NOT_FOUND),
)
async def member_history(member_id: uuid.UUID, session: ReadSessionDep, ctx: Reader) -> list[TrainingEntry]:
    return await training.history(session, ctx, member_id)
