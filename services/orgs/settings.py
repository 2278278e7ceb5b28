"""Settings of the orgs service (environment prefix `ORGS_`)."""

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from services.kit.settings import ServiceSettings
from services.orgs.rules import OrgsPolicy

SCHEMA = "orgs"
CLIENT_ID = "svc-orgs"


class OrgsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORGS_", env_nested_delimiter="__", extra="ignore")

    policy: OrgsPolicy = Field(default_factory=OrgsPolicy)

    @model_validator(mode="after")
    def _default_database(self) -> "OrgsSettings":
        if not self.database_url:
            self.database_url = self.sqlite_url_for(SCHEMA)
        return self
