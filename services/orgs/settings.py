"""Settings of the orgs service (environment prefix `ORGS_`)."""

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import SettingsConfigDict

from services.kit.settings import ServiceSettings
from services.orgs.rules import OrgsPolicy

SCHEMA = "orgs"
CLIENT_ID = "svc-orgs"
HOUR_S = 3600.0


class OrgsJobIntervals(BaseModel):
    """How often each scheduled job runs (`jobs.py`), in seconds: `ORGS_JOB_INTERVALS__TERMS_S=600`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    terms_s: float = Field(default=HOUR_S, gt=0)


class OrgsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORGS_", env_nested_delimiter="__", extra="ignore")

    policy: OrgsPolicy = Field(default_factory=OrgsPolicy)
    job_intervals: OrgsJobIntervals = Field(default_factory=OrgsJobIntervals)

    @model_validator(mode="after")
    def _default_database(self) -> "OrgsSettings":
        if not self.database_url:
            self.database_url = self.sqlite_url_for(SCHEMA)
        return self
