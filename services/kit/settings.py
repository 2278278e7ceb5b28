"""Settings base: one pydantic-settings class per process, working defaults for embedded mode."""

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.kit.crypto import decode_key, ensure_key_file

DEFAULT_DATA_DIR = Path("data")
PLACEHOLDER = "change-me"


class ProcessSettings(BaseSettings):
    """What every process needs. Subclasses set `env_prefix` and their own database file."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    environment: Literal["development", "production"] = "development"
    log_level: str = "INFO"
    json_logs: bool = True  # off only where the host (a test runner) owns logging
    data_dir: Path = Field(default=DEFAULT_DATA_DIR)
    database_url: str = ""
    db_pool_size: int = 10
    db_statement_timeout_s: float = 10.0
    # Seconds a request may take before its answer starts (kit.deadline); 0 = no deadline beyond
    # the database's and the peers' own timeouts.
    request_deadline_s: float = 0.0

    jwt_issuer: str = "dangjian-gateway"
    jwt_audience: str = "dangjian"
    jwt_public_key_file: Path | None = None
    # Tokens living longer than this (`exp - iat`) are refused, as are tokens issued in the future;
    # `token_clock_skew_s` allows for clocks that differ. The gateway issues none longer.
    access_token_max_lifetime_s: int = Field(default=900, gt=0)
    token_clock_skew_s: int = Field(default=60, ge=0)
    # Revoked tokens (services.kit.revocation): how often the gateway's feed of revocations is
    # read, and after how long without reading it to its end people and clients are refused (503).
    revocation_poll_interval_s: float = Field(default=0.2, gt=0)
    revocation_max_lag_s: float = Field(default=4.0, gt=0)

    # Who may read /metrics (no token): Prometheus inside the deployment (services.kit.metrics).
    metrics_allowed_networks: list[str] = Field(
        default_factory=lambda: ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
    )

    # Scheduled jobs (services.kit.scheduler): off only in tests that drive them by hand.
    run_scheduler: bool = True
    scheduler_tick_s: float = 30.0
    scheduler_lease_s: float = 600.0
    # The partition job (kit.partitions, PostgreSQL): how often it makes the partitions ahead, and
    # how many days of the outbox it keeps — 0 keeps every event, since a consumer that starts
    # from nothing (a new replica's feed) reads the feed from its first event.
    partitions_interval_s: float = Field(default=3600.0, gt=0)
    outbox_retention_days: int = Field(default=0, ge=0)

    # Idempotency-Key (services.kit.idempotency): how long a key is kept, and how long a request
    # that holds one may run before a retry may take the key over (its process presumed dead).
    idempotency_ttl_s: float = 86400.0
    idempotency_lease_s: float = 120.0

    # Peer HTTP calls (references, feeds): explicit timeouts, never the library default.
    peer_connect_timeout_s: float = 1.0
    peer_read_timeout_s: float = 5.0
    # The breaker of each peer (kit.peers.CircuitBreaker): failed calls in a row that open it, and
    # how long it stays open before one trial call may go through.
    peer_breaker_failures: int = 5
    peer_breaker_reset_s: float = 10.0

    # Printed documents (kit.documents, kit.printing): the key of their check codes (base64 of 32
    # random bytes; empty: a key file made once in the data folder, for development), the PDF
    # renderer (a headless Chromium, by command name or path) and its time limit per document.
    document_key: str = ""
    pdf_renderer: str = "chromium"
    pdf_timeout_s: float = Field(default=30.0, gt=0)

    def document_key_bytes(self, process: str) -> bytes:
        """The check-code key: the configured one, else `keys/<process>-documents.key` made once."""
        text = self.document_key or ensure_key_file(self.data_dir / "keys" / f"{process}-documents.key")
        return decode_key(text)

    @property
    def public_key_path(self) -> Path:
        return self.jwt_public_key_file or self.data_dir / "keys" / "jwt-public.pem"

    def sqlite_url_for(self, schema: str) -> str:
        return f"sqlite+aiosqlite:///{self.data_dir / (schema + '.db')}"


class ServiceSettings(ProcessSettings):
    """A domain service: it reaches the gateway for its own machine token and knows its peers."""

    gateway_url: str = "http://127.0.0.1:8000"
    client_secret: str = ""
    orgs_url: str = "http://127.0.0.1:8001"
    members_url: str = "http://127.0.0.1:8002"
    activities_url: str = "http://127.0.0.1:8003"
    feed_poll_interval_s: float = 0.2
    # Off only in in-process tests, which drive the consumers by hand.
    consume_feeds: bool = True
    # Follow the gateway's revocations of access tokens (off only in in-process tests, which have
    # no gateway); at start wait this long for a first reading before answering anyway.
    follow_revocations: bool = True
    revocation_startup_wait_s: float = Field(default=30.0, ge=0)
    # Fault injection for the fault tests only (tests/faults): when > 0, the process exits at once
    # (no cleanup, like a SIGKILL) after applying this many events of a page, before the page's
    # cursor commits. 0, the default, is off.
    feed_fault_exit_after_events: int = 0

    @model_validator(mode="after")
    def _refuse_placeholders_in_production(self) -> "ServiceSettings":
        if self.environment == "production" and self.client_secret in ("", PLACEHOLDER):
            raise ValueError("client_secret must be set in production")
        return self
