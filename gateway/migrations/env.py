"""Alembic environment of the gateway schema."""

from gateway.models import Base
from gateway.settings import GatewaySettings
from services.kit.migrations import run_migrations

run_migrations(Base.metadata, GatewaySettings().database_url)
