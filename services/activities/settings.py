"""Settings of the activities service (environment prefix `ACTIVITIES_`)."""

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from services.activities.rules import ActivitiesPolicy
from services.kit.settings import ServiceSettings

SCHEMA = "activities"
CLIENT_ID = "svc-activities"


class ActivitiesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ACTIVITIES_", env_nested_delimiter="__", extra="ignore")

    policy: ActivitiesPolicy = Field(default_factory=ActivitiesPolicy)

    @model_validator(mode="after")
    def _default_database(self) -> "ActivitiesSettings":
        if not self.database_url:
            self.database_url = self.sqlite_url_for(SCHEMA)
        return self
