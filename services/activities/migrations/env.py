"""Alembic environment of the activities schema."""

from services.activities.models import Base
from services.activities.settings import ActivitiesSettings
from services.kit.migrations import run_migrations

run_migrations(Base.metadata, ActivitiesSettings().database_url)
