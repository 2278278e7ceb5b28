"""The members process: `create_app(settings)`, and `app` for uvicorn."""

from fastapi import FastAPI

from services.kit.app import create_app as create_process_app
from services.kit.consumer import FeedSubscriptions
from services.kit.db import Database
from services.kit.documents import DocumentRegistry
from services.kit.event_types import event_types_router
from services.kit.labels import labels_router
from services.kit.outbox import feed_router
from services.kit.partitions import outbox_partitions_job
from services.kit.peers import ServicePeers
from services.kit.policy import policy_router
from services.kit.revocation import following_the_gateway
from services.kit.scheduler import Scheduler, jobs_router
from services.members.enums import ENUM_LABELS
from services.members.events import apply_org_event
from services.members.jobs import jobs
from services.members.models import consumer_cursors, document_counters, idempotency_keys, outbox, scheduler
from services.members.models import documents as document_table
from services.members.routes import (
    care,
    change_requests,
    discipline,
    documents,
    dues,
    floating_reports,
    link_codes,
    own,
    probation,
    records,
    recruitment,
    stats,
    survey,
    tabular,
    transfers,
    worklists,
)
from services.members.schemas.records import EVENT_TYPES
from services.members.service import rollups
from services.members.settings import CLIENT_ID, SCHEMA, MembersSettings


def create_app(settings: MembersSettings | None = None) -> FastAPI:
    settings = settings or MembersSettings()
    db = Database(
        settings.database_url, SCHEMA, pool_size=settings.db_pool_size, statement_timeout_s=settings.db_statement_timeout_s
    )
    peers = ServicePeers(settings, CLIENT_ID)
    if settings.policy.rollups_maintained:
        rollups.maintain(db)

    async def load_cipher(app: FastAPI) -> None:
        # At start, not at import: in development the keys are made in the data folder.
        app.state.cipher = settings.field_cipher()
        app.state.documents = DocumentRegistry(document_table, document_counters, settings.document_key_bytes(SCHEMA))
        if not settings.policy.rollups_maintained:
            # Writes made now are not in the roll-ups: whoever switches them on again reads the rows until a rebuild.
            async with db.write_sessions() as session, session.begin():
                await rollups.mark_stale(session)

    feeds = FeedSubscriptions(settings=settings, peers=peers, db=db, cursors=consumer_cursors, feeds={"orgs": apply_org_event})
    scheduled = Scheduler(
        service=SCHEMA,
        db=db,
        tables=scheduler,
        jobs=[*jobs(settings.policy, lambda: app.state.cipher, settings.job_intervals), outbox_partitions_job(SCHEMA, settings)],
        tick_s=settings.scheduler_tick_s,
        lease_s=settings.scheduler_lease_s,
        enabled=settings.run_scheduler,
    )
    app = create_process_app(
        idempotency_keys=idempotency_keys,
        # Created members and applications carry ID numbers and phones: stored answers are sealed.
        answer_cipher=lambda: app.state.cipher,
        revocations=following_the_gateway(settings, peers),
        name="members",
        title="Member records",
        settings=settings,
        db=db,
        routers=[
            worklists.router,
            tabular.router,
            survey.router,
            stats.router,
            records.router,
            probation.router,
            documents.router,
            transfers.router,
            care.router,
            discipline.router,
            recruitment.router,
            dues.router,
            own.router,
            change_requests.own,
            change_requests.router,
            floating_reports.own,
            floating_reports.router,
            link_codes.router,
            records.internal,
            link_codes.internal,
            survey.internal,
            documents.internal,
            feed_router(outbox),
            policy_router(settings.policy),
            labels_router(ENUM_LABELS),
            event_types_router(EVENT_TYPES),
            jobs_router(),
        ],
        on_start=[load_cipher, feeds.start, scheduled.start],
        on_stop=[scheduled.stop, feeds.stop, peers.stop],
    )
    app.state.peers = peers
    app.state.scheduler = scheduled
    app.state.feeds = feeds
    return app


app = create_app()
