"""Settings of the members service (environment prefix `MEMBERS_`)."""

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from services.kit.settings import ServiceSettings
from services.members.rules import MembersPolicy

SCHEMA = "members"
CLIENT_ID = "svc-members"


class MembersSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MEMBERS_", env_nested_delimiter="__", extra="ignore")

    policy: MembersPolicy = Field(default_factory=MembersPolicy)

    @model_validator(mode="after")
    def _default_database(self) -> "MembersSettings":
        if not self.database_url:
            self.database_url = self.sqlite_url_for(SCHEMA)
        return self
