"""Settings of the gateway (environment prefix `GATEWAY_`; the first administrator unprefixed)."""

from pathlib import Path

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import SettingsConfigDict

from gateway.events.rules import DeliveryPolicy
from gateway.notify.rules import NotifySettings
from gateway.rules import GatewayPolicy
from services.kit.settings import PLACEHOLDER, ProcessSettings

SCHEMA = "gateway"
# The gateway's own routes take small forms and no uploads.
OWN_ROUTE_MAX_BODY_BYTES = 64 * 1024


class GatewaySettings(ProcessSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", env_nested_delimiter="__", extra="ignore")

    jwt_private_key_file: Path | None = None
    # At most access_token_max_lifetime_s, which every process enforces.
    access_token_lifetime_s: int = 900
    # A token's subject must be an account or client the gateway holds (tokens.KnownSubjects).
    # Off only in tests that mint tokens for made-up subjects.
    verify_token_subjects: bool = True

    policy: GatewayPolicy = Field(default_factory=GatewayPolicy)

    # The audit trail's anchors outside the database (docs/security.md, "Audit trail"): the chain
    # key (HMAC-SHA256, base64 of 32 bytes), the Ed25519 key that signs checkpoints, and the
    # append-only checkpoint file. Empty: under the data dir, made on first start.
    audit_chain_key_file: Path | None = None
    audit_checkpoint_key_file: Path | None = None
    audit_checkpoints_file: Path | None = None
    # A checkpoint is signed this often when rows came since the last one (the scheduler's tick
    # adds up to scheduler_tick_s): rows deleted from the end of the trail since the last
    # checkpoint are the one thing the check cannot see.
    audit_checkpoint_interval_s: float = Field(default=60.0, gt=0)
    # Revocations that every token they ended has outlived leave the feed this often.
    revocations_prune_interval_s: float = Field(default=3600.0, gt=0)

    # The first administrator (role sysadmin: accounts only, no business data), made on first start.
    admin_username: str = Field(default="admin", validation_alias=AliasChoices("ADMIN_USERNAME", "GATEWAY_ADMIN_USERNAME"))
    admin_password: str | None = Field(default=None, validation_alias=AliasChoices("ADMIN_PASSWORD", "GATEWAY_ADMIN_PASSWORD"))
    # Optionally, on first start also a business account: org_admin of the whole deployment.
    admin_org_admin_username: str | None = Field(
        default=None, validation_alias=AliasChoices("ADMIN_ORG_ADMIN_USERNAME", "GATEWAY_ADMIN_ORG_ADMIN_USERNAME")
    )
    admin_org_admin_password: str | None = Field(
        default=None, validation_alias=AliasChoices("ADMIN_ORG_ADMIN_PASSWORD", "GATEWAY_ADMIN_ORG_ADMIN_PASSWORD")
    )

    # Browser origins allowed to call the API (the web frontends); empty: no CORS headers at all.
    cors_origins: list[str] = Field(default_factory=list)
    # Verified access tokens remembered (token → caller) so that a GET is not verified again.
    verified_token_cache_size: int = 10_000

    # The services' own machine clients (client id → secret), for their event feeds and peer calls.
    service_clients: dict[str, str] = Field(default_factory=dict)

    orgs_url: str = "http://127.0.0.1:8001"
    members_url: str = "http://127.0.0.1:8002"
    activities_url: str = "http://127.0.0.1:8003"
    upstream_connect_timeout_s: float = 1.0
    upstream_timeout_s: float = 10.0
    # Routes that work longer than that before they answer (a member import reads and checks up to
    # 100,000 rows, bounded by the members' import_read_seconds): their own, still bounded, wait.
    long_upstream_paths: list[str] = Field(default_factory=lambda: ["/api/v1/members/import"])
    long_upstream_timeout_s: float = Field(default=300.0, gt=0)
    upstream_max_connections: int = 200
    # Load shedding (gateway/edge/shedding.py): API requests inside one gateway process at once; one more
    # gets a 503 problem with Retry-After at once. At most upstream_max_connections, so that an
    # admitted request never waits for a pooled connection (a wait with no deadline of its own).
    max_in_flight_requests: int = Field(default=128, ge=1)
    # When the answers' median latency exceeds this, the bound shrinks to what completes in this
    # time (0: the fixed bound only), never below min_in_flight_requests.
    shed_target_latency_s: float = Field(default=3.0, ge=0)
    min_in_flight_requests: int = Field(default=8, ge=1)
    shed_retry_after_s: float = Field(default=1.0, gt=0)
    # The composed reports wait for the services' aggregates, which scan a whole district: a
    # longer wait than the peers' default, still bounded.
    report_timeout_s: float = 30.0
    # The largest body forwarded to a service (member imports reach 50 MB); each service
    # enforces its own, tighter limits per route. The gateway's own routes take 64 KB.
    max_forwarded_body_bytes: int = 64 * 1024 * 1024
    # A composed report waits this long for each service's answer (a district's lists take seconds).
    diagnostics_timeout_s: float = 60.0

    # Events for other systems (gateway/events): the services' feeds are read into the gateway's log
    # and webhooks delivered; both off only in tests that drive them by hand.
    consume_feeds: bool = True
    feed_poll_interval_s: float = 0.5
    deliver_webhooks: bool = True
    webhook_poll_interval_s: float = 1.0
    # Hosts (or host:port) a webhook may reach over http and at private addresses: development only.
    webhook_development_hosts: list[str] = Field(default_factory=list)
    webhook_policy: DeliveryPolicy = Field(default_factory=DeliveryPolicy)
    # Reminders and notices (gateway/notify): the reminder job, the SMS and WeChat gateways, retries.
    notify: NotifySettings = Field(default_factory=NotifySettings)

    @property
    def private_key_path(self) -> Path:
        return self.jwt_private_key_file or self.data_dir / "keys" / "jwt-private.pem"

    @property
    def audit_chain_key_path(self) -> Path:
        return self.audit_chain_key_file or self.data_dir / "keys" / "audit-chain.key"

    @property
    def audit_checkpoint_key_path(self) -> Path:
        return self.audit_checkpoint_key_file or self.data_dir / "keys" / "audit-checkpoint.pem"

    @property
    def audit_checkpoints_path(self) -> Path:
        return self.audit_checkpoints_file or self.data_dir / "audit-checkpoints.jsonl"

    @model_validator(mode="after")
    def _defaults_and_production_guards(self) -> "GatewaySettings":
        if not self.database_url:
            self.database_url = self.sqlite_url_for(SCHEMA)
        if self.environment == "production":
            if self.admin_password in (None, "", PLACEHOLDER):
                raise ValueError("ADMIN_PASSWORD must be set in production")
            if self.admin_org_admin_username and self.admin_org_admin_password in (None, "", PLACEHOLDER):
                raise ValueError("ADMIN_ORG_ADMIN_PASSWORD must be set in production when ADMIN_ORG_ADMIN_USERNAME is")
            if any(secret in ("", PLACEHOLDER) for secret in self.service_clients.values()):
                raise ValueError("service client secrets must be set in production")
        return self

    @model_validator(mode="after")
    def _issued_tokens_are_accepted(self) -> "GatewaySettings":
        if self.access_token_lifetime_s > self.access_token_max_lifetime_s:
            raise ValueError("access_token_lifetime_s must not exceed access_token_max_lifetime_s")
        return self

    @model_validator(mode="after")
    def _admitted_requests_fit_the_upstream_pool(self) -> "GatewaySettings":
        if self.max_in_flight_requests > self.upstream_max_connections:
            raise ValueError("max_in_flight_requests must not exceed upstream_max_connections")
        return self

    @model_validator(mode="after")
    def _notify_keys_in_production(self) -> "GatewaySettings":
        if self.environment == "production":
            if self.notify.contact_key.get_secret_value() == PLACEHOLDER:
                raise ValueError("GATEWAY_NOTIFY__CONTACT_KEY is the placeholder: set a key or leave it empty")
            for channel in self.notify.channels():
                if not self.notify.credential(channel):
                    raise ValueError(f"the {channel.value} channel needs its credential (file or variable) in production")
        return self

    @model_validator(mode="after")
    def _no_development_webhook_hosts_in_production(self) -> "GatewaySettings":
        if self.environment == "production" and self.webhook_development_hosts:
            raise ValueError("webhook_development_hosts is for development only")
        return self
