"""Alembic environment of the orgs schema."""

from services.kit.migrations import run_migrations
from services.orgs.models import Base
from services.orgs.settings import OrgsSettings

run_migrations(Base.metadata, OrgsSettings().database_url)
