"""Alembic environment of the members schema."""

from services.kit.migrations import run_migrations
from services.members.models import Base
from services.members.settings import MembersSettings

run_migrations(Base.metadata, MembersSettings().database_url)
