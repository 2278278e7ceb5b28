"""Settings of the activities service (environment prefix `ACTIVITIES_`)."""

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import SettingsConfigDict

from services.activities.rules import ActivitiesPolicy
from services.kit.settings import ServiceSettings

SCHEMA = "activities"
CLIENT_ID = "svc-activities"
HOUR_S = 3600.0


class ActivitiesJobIntervals(BaseModel):
    """How often each scheduled job runs (`jobs.py`), in seconds: `ACTIVITIES_JOB_INTERVALS__STUDY_HOURS_S=600`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    study_hours_s: float = Field(default=HOUR_S, gt=0)


class ActivitiesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ACTIVITIES_", env_nested_delimiter="__", extra="ignore")

    policy: ActivitiesPolicy = Field(default_factory=ActivitiesPolicy)
    job_intervals: ActivitiesJobIntervals = Field(default_factory=ActivitiesJobIntervals)
    # Whole years of activities kept online besides the current one (the compliance look-back);
    # older months are detached to the archive by the partition job (PostgreSQL).
    retention_years: int = Field(default=5, ge=1)

    @model_validator(mode="after")
    def _default_database(self) -> "ActivitiesSettings":
        if not self.database_url:
            self.database_url = self.sqlite_url_for(SCHEMA)
        return self
