"""The orgs process: `create_app(settings)`, and `app` for uvicorn."""

from fastapi import FastAPI

from services.kit.app import create_app as create_process_app
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
from services.orgs.enums import ENUM_LABELS
from services.orgs.jobs import jobs
from services.orgs.models import document_counters, idempotency_keys, outbox, scheduler
from services.orgs.models import documents as document_table
from services.orgs.routes import (
    assessments,
    communities,
    community_records,
    diagnostics,
    documents,
    elections,
    inspections,
    own,
    rectifications,
    survey,
    tasks,
    teams,
    tree,
    units,
    worklists,
)
from services.orgs.schemas import EVENT_TYPES
from services.orgs.settings import CLIENT_ID, SCHEMA, OrgsSettings


def create_app(settings: OrgsSettings | None = None, *, peers: ServicePeers | None = None) -> FastAPI:
    """`peers` replaces the network clients for the other services (tests wire stubs in)."""
    settings = settings or OrgsSettings()
    db = Database(
        settings.database_url, SCHEMA, pool_size=settings.db_pool_size, statement_timeout_s=settings.db_statement_timeout_s
    )
    peers = peers or ServicePeers(settings, CLIENT_ID)
    scheduled = Scheduler(
        service=SCHEMA,
        db=db,
        tables=scheduler,
        jobs=[*jobs(settings.policy, settings.job_intervals), outbox_partitions_job(SCHEMA, settings)],
        tick_s=settings.scheduler_tick_s,
        lease_s=settings.scheduler_lease_s,
        enabled=settings.run_scheduler,
    )

    async def load_registry(app: FastAPI) -> None:
        # At start, not at import: in development the key is made in the data folder.
        app.state.documents = DocumentRegistry(document_table, document_counters, settings.document_key_bytes(SCHEMA))

    app = create_process_app(
        idempotency_keys=idempotency_keys,
        revocations=following_the_gateway(settings, peers),
        name="orgs",
        title="Organization setup",
        settings=settings,
        db=db,
        routers=[
            tree.router,
            diagnostics.router,
            survey.router,
            communities.router,
            community_records.router,
            communities.reserve_router,
            teams.router,
            units.router,
            worklists.router,
            tasks.router,
            inspections.router,
            rectifications.router,
            assessments.router,
            documents.internal,
            own.router,
            elections.router,
            feed_router(outbox),
            policy_router(settings.policy),
            labels_router(ENUM_LABELS),
            event_types_router(EVENT_TYPES),
            jobs_router(),
        ],
        on_start=[load_registry, scheduled.start],
        on_stop=[scheduled.stop, peers.stop],
    )
    app.state.peers = peers
    app.state.scheduler = scheduled
    return app


app = create_app()
