"""Settings of the orgs service (environment prefix `ORGS_`)."""

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from services.kit.settings import ServiceSettings

SCHEMA = "orgs"


class OrgsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORGS_", extra="ignore")

    @model_validator(mode="after")
    def _default_database(self) -> "OrgsSettings":
        if not self.database_url:
            self.database_url = self.sqlite_url_for(SCHEMA)
        return self
