"""Alembic environment of the gateway schema."""

from gateway.events import models as _event_models  # noqa: F401 - their tables are in Base
from gateway.models import Base
from gateway.notify import models as _notify_models  # noqa: F401 - their tables are in Base
from gateway.settings import GatewaySettings
from services.kit.migrations import run_migrations

run_migrations(Base.metadata, GatewaySettings().database_url)
