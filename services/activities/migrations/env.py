"""Alembic environment of the activities schema."""

from services.kit.migrations import run_migrations
from services.activities.models import Base
from services.activities.settings import ActivitiesSettings

run_migrations(Base.metadata, ActivitiesSettings().database_url)
