"""The gateway process: `create_app(settings)`, and `app` for uvicorn."""

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from gateway.edge.guard import Guard
from gateway.edge.limits import LoginLimits
from gateway.edge.proxy import ServiceProxy, Upstreams
from gateway.edge.shedding import Admission
from gateway.events import routes as event_routes
from gateway.events.delivery import DeliveryWorker
from gateway.events.ingest import GATEWAY_SUBJECT, EventIngest
from gateway.events.models import scheduler as scheduler_tables
from gateway.models import document_counters, documents, idempotency_keys, outbox
from gateway.notify import routes as notify_routes
from gateway.notify.delivery import Notifier
from gateway.notify.reminders import JOB_NAME as REMINDERS_JOB
from gateway.reports import routes as report_routes
from gateway.routes import accounts, audit, clients, jobs, meta, tokens
from gateway.routes import documents as document_routes
from gateway.service import accounts as account_service
from gateway.service import audit as audit_service
from gateway.service.tokens import KnownSubjects
from gateway.settings import SCHEMA, GatewaySettings
from services.kit.app import create_app as create_process_app
from services.kit.db import Database
from services.kit.docs import install_docs
from services.kit.documents import DocumentRegistry
from services.kit.health import Check
from services.kit.keys import TokenSigner, ensure_keypair
from services.kit.outbox import feed_router
from services.kit.partitions import maintain
from services.kit.peers import PeerClient, breaker_for
from services.kit.revocation import forget_outlived_revocations, from_own_outbox
from services.kit.revocation import retention_s as revocation_retention_s
from services.kit.scheduler import Job, Scheduler


def _scheduler(settings: GatewaySettings, db: Database, audit_trail: audit_service.AuditTrail, notifier: Notifier) -> Scheduler:
    """The gateway's scheduled jobs: the audit trail's checkpoints and its monthly partitions (made
    ahead, archived after the retention), the pruning of revocations, reminders."""

    async def audit_checkpoint(session: AsyncSession) -> str:
        try:
            made = await audit_service.checkpoint_when_new(session, audit_trail)
        except audit_service.TrailBroken as broken:
            return f"trail broken at row {broken.finding.row_id}: no checkpoint"
        return f"checkpoint at row {made['seq']}" if made else "no new rows"

    async def partitions(session: AsyncSession) -> str:
        # Whole months older than the audit retention go to the archive (maintain made any month
        # a stray row needs first, so none of them is left in the default partition).
        today = datetime.now(UTC).date()
        older = datetime.now(UTC) - timedelta(days=settings.outbox_retention_days) if settings.outbox_retention_days else None
        done = await maintain(session, "gateway", [audit_service.AUDIT_PARTITIONING], today=today, outbox_older_than=older)
        cutoff = today - timedelta(days=settings.policy.audit_retention_days)
        before = datetime(cutoff.year, cutoff.month, 1, tzinfo=UTC)
        try:
            archived = await audit_service.archive_months(session, audit_trail, before=before)
        except audit_service.TrailBroken as broken:
            return f"{done}; trail broken at row {broken.finding.row_id}: no audit month archived"
        return f"{done}; audit months archived {len(archived)}"

    async def revocations_prune(session: AsyncSession) -> str:
        forgotten = await forget_outlived_revocations(session, outbox, retention_s=revocation_retention_s(settings))
        return f"forgot {forgotten} outlived revocations"

    return Scheduler(
        service="gateway",
        db=db,
        tables=scheduler_tables,
        jobs=[
            Job("gateway.audit_checkpoint", settings.audit_checkpoint_interval_s, audit_checkpoint),
            Job("gateway.revocations_prune", settings.revocations_prune_interval_s, revocations_prune),
            Job("gateway.partitions", settings.partitions_interval_s, partitions),
            Job(REMINDERS_JOB, settings.notify.reminders_interval_s, notifier.run_reminders),
        ],
        tick_s=min(
            settings.scheduler_tick_s,
            settings.audit_checkpoint_interval_s,
            settings.revocations_prune_interval_s,
            settings.notify.reminders_interval_s,
        ),
        lease_s=settings.scheduler_lease_s,
        enabled=settings.run_scheduler,
    )


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    db = Database(
        settings.database_url, SCHEMA, pool_size=settings.db_pool_size, statement_timeout_s=settings.db_statement_timeout_s
    )
    urls = {"orgs": settings.orgs_url, "members": settings.members_url, "activities": settings.activities_url}
    upstreams = Upstreams(
        urls,
        connect_timeout_s=settings.upstream_connect_timeout_s,
        timeout_s=settings.upstream_timeout_s,
        max_connections=settings.upstream_max_connections,
        long_paths=settings.long_upstream_paths,
        long_timeout_s=settings.long_upstream_timeout_s,
    )
    peers = {
        name: PeerClient(
            name,
            url,
            connect_timeout_s=settings.peer_connect_timeout_s,
            read_timeout_s=settings.peer_read_timeout_s,
            retries=0,
            owner="gateway",
            breaker=breaker_for(settings),
        )
        for name, url in urls.items()
    }
    # The composed reports' own clients: a longer read timeout (the aggregates scan a district)
    # and one retry of a GET whose pooled connection the service had closed meanwhile.
    report_peers = {
        name: PeerClient(
            name,
            url,
            connect_timeout_s=settings.peer_connect_timeout_s,
            read_timeout_s=settings.report_timeout_s,
            retries=1,
            breaker=breaker_for(settings),
        )
        for name, url in urls.items()
    }

    audit_trail = audit_service.AuditTrail(
        chain_key_file=settings.audit_chain_key_path,
        checkpoint_key_file=settings.audit_checkpoint_key_path,
        checkpoints_file=settings.audit_checkpoints_path,
    )

    # Reminders and notices (gateway/notify): the reminder job on the scheduler, the delivery worker beside it.
    notifier = Notifier(settings, db)
    scheduler = _scheduler(settings, db, audit_trail, notifier)

    async def start(app: FastAPI) -> None:
        if settings.environment == "development":
            ensure_keypair(settings.private_key_path, settings.public_key_path)
        app.state.signer = TokenSigner(
            settings.private_key_path.read_bytes(),
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            lifetime_s=settings.access_token_lifetime_s,
        )
        app.state.documents = DocumentRegistry(documents, document_counters, settings.document_key_bytes("gateway"))
        app.state.peers, app.state.scheduler = peers, scheduler  # the scheduler's jobs: /api/v1/jobs
        app.state.report_peers = report_peers
        app.state.login_limits = LoginLimits(settings.policy)
        audit_trail.load()
        app.state.audit_trail = audit_trail
        async with db.write_sessions() as session:
            await audit_service.anchor(session, audit_trail)
            await session.commit()
        async with db.write_sessions() as session:
            await account_service.ensure_first_admin(session, settings)

    async def stop(_app: FastAPI) -> None:
        await upstreams.aclose()
        for peer in [*peers.values(), *report_peers.values()]:
            await peer.aclose()

    # Only listed origins get CORS headers; none listed (the default): no CORS at all.
    cors = (
        [
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                allow_headers=["Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key", "X-Request-ID"],
                expose_headers=["ETag", "Idempotent-Replayed", "Retry-After", "X-Request-ID", "Location"],
                max_age=600,
            )
        ]
        if settings.cors_origins
        else []
    )
    # Events for other systems: the feeds' consumers and the webhook worker (gateway/events).
    webhooks = DeliveryWorker(settings, db)
    ingest: list[EventIngest] = []

    async def late_start(app: FastAPI) -> None:
        ingest.append(EventIngest(settings, db, app))
        app.state.ingest, app.state.webhooks = ingest[0], webhooks
        await ingest[0].start()
        await webhooks.start()

    async def early_stop(_app: FastAPI) -> None:
        await webhooks.stop()
        for consumer in ingest:
            await consumer.stop()

    def upstream_check(peer: PeerClient) -> Check:
        async def check() -> None:
            await peer.get_json("/healthz")

        return check

    app = create_process_app(
        name="gateway",
        title="Party building API gateway",
        settings=settings,
        db=db,
        routers=[
            tokens.router,
            accounts.router,
            clients.router,
            audit.router,
            jobs.router,
            meta.router,
            report_routes.router,
            document_routes.router,
            event_routes.router,
            notify_routes.router,
            # Revocations of access tokens, for the services (kit/revocation.py); not public API.
            feed_router(outbox, include_in_schema=False),
        ],
        on_start=[start, late_start, notifier.start, scheduler.start],
        on_stop=[early_stop, notifier.stop, stop, scheduler.stop],  # run in reverse
        reported_checks={name: upstream_check(peer) for name, peer in peers.items()},
        middleware=[
            *cors,
            Middleware(
                Guard,
                db=db,
                policy=settings.policy,
                cache_size=settings.verified_token_cache_size,
                admission=Admission(
                    max_in_flight=settings.max_in_flight_requests,
                    min_in_flight=settings.min_in_flight_requests,
                    target_latency_s=settings.shed_target_latency_s,
                ),
                shed_retry_after_s=settings.shed_retry_after_s,
            ),
            Middleware(ServiceProxy, upstreams=upstreams),
        ],
        serve_own_docs=False,
        idempotency_keys=idempotency_keys,
        max_body_bytes=settings.max_forwarded_body_bytes,
        revocations=from_own_outbox(settings, db, outbox),
    )
    if settings.verify_token_subjects:
        services = {f"service:{client_id}" for client_id in settings.service_clients} | {GATEWAY_SUBJECT}
        app.state.caller_checks.append(KnownSubjects(db, services).check)
    install_docs(app, title=meta.DOCS_TITLE, openapi_url=meta.OPENAPI_PATH, assets_path=meta.DOCS_ASSETS_PATH)
    return app


app = create_app()
