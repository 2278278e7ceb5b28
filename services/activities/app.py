"""The activities process: `create_app(settings)`, and `app` for uvicorn."""

from fastapi import FastAPI

from services.activities.enums import ENUM_LABELS
from services.activities.events import EVENT_TYPES, apply_member_event, apply_org_event
from services.activities.jobs import jobs, partitions
from services.activities.models import consumer_cursors, idempotency_keys, outbox, scheduler
from services.activities.routes import (
    activities,
    attachments,
    attendance,
    catalog,
    compliance,
    contacts,
    evaluations,
    own,
    stats,
    study,
    training,
)
from services.activities.settings import CLIENT_ID, SCHEMA, ActivitiesSettings
from services.kit.app import create_app as create_process_app
from services.kit.consumer import FeedSubscriptions
from services.kit.db import Database
from services.kit.event_types import event_types_router
from services.kit.labels import labels_router
from services.kit.outbox import feed_router
from services.kit.peers import ServicePeers
from services.kit.policy import policy_router
from services.kit.revocation import following_the_gateway
from services.kit.scheduler import Scheduler, jobs_router


def create_app(settings: ActivitiesSettings | None = None) -> FastAPI:
    settings = settings or ActivitiesSettings()
    db = Database(
        settings.database_url, SCHEMA, pool_size=settings.db_pool_size, statement_timeout_s=settings.db_statement_timeout_s
    )
    peers = ServicePeers(settings, CLIENT_ID)
    feeds = FeedSubscriptions(
        settings=settings,
        peers=peers,
        db=db,
        cursors=consumer_cursors,
        feeds={"orgs": apply_org_event, "members": apply_member_event},
    )
    scheduled = Scheduler(
        service=SCHEMA,
        db=db,
        tables=scheduler,
        jobs=[*jobs(settings.policy, settings.job_intervals), partitions(settings)],
        tick_s=settings.scheduler_tick_s,
        lease_s=settings.scheduler_lease_s,
        enabled=settings.run_scheduler,
    )
    app = create_process_app(
        idempotency_keys=idempotency_keys,
        revocations=following_the_gateway(settings, peers),
        name="activities",
        title="Activity logging",
        settings=settings,
        db=db,
        routers=[
            # `/activities/stats` before `/activities/{activity_id}`, which would take it for an id.
            stats.router,
            activities.router,
            attendance.router,
            attachments.router,
            attachments.internal,
            catalog.router,
            contacts.router,
            compliance.router,
            compliance.internal,
            evaluations.router,
            study.router,
            own.router,
            training.router,
            feed_router(outbox),
            policy_router(settings.policy),
            labels_router(ENUM_LABELS),
            event_types_router(EVENT_TYPES),
            jobs_router(),
        ],
        on_start=[feeds.start, scheduled.start],
        on_stop=[scheduled.stop, feeds.stop, peers.stop],
    )
    app.state.peers = peers
    app.state.scheduler = scheduled
    app.state.feeds = feeds
    return app


app = create_app()
