"""Settings of the members service (environment prefix `MEMBERS_`)."""

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import SettingsConfigDict

from services.kit.crypto import FieldCipher, decode_key, ensure_key_file
from services.kit.settings import PLACEHOLDER, ServiceSettings
from services.members.rules import MembersPolicy

SCHEMA = "members"
CLIENT_ID = "svc-members"
HOUR_S = 3600.0


class MembersJobIntervals(BaseModel):
    """How often each scheduled job runs (`jobs.py`), in seconds: `MEMBERS_JOB_INTERVALS__PROBATION_S=600`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reencrypt_s: float = Field(default=HOUR_S, gt=0)
    lost_contact_s: float = Field(default=HOUR_S, gt=0)
    floating_s: float = Field(default=HOUR_S, gt=0)
    probation_s: float = Field(default=HOUR_S, gt=0)
    dues_arrears_s: float = Field(default=HOUR_S, gt=0)
    # Deltas not folded are read by every statistic of a rolled-up subtree: fold them often.
    rollups_s: float = Field(default=60.0, gt=0)


class MembersSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MEMBERS_", env_nested_delimiter="__", extra="ignore")

    policy: MembersPolicy = Field(default_factory=MembersPolicy)
    job_intervals: MembersJobIntervals = Field(default_factory=MembersJobIntervals)
    # base64 of 32 random bytes each: AES-GCM for ID numbers and phones, HMAC for their blind index.
    data_key: str = ""
    index_key: str = ""
    # Earlier data keys, still read while the `members.reencrypt` job moves rows to `data_key`.
    previous_data_keys: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _default_database(self) -> "MembersSettings":
        if not self.database_url:
            self.database_url = self.sqlite_url_for(SCHEMA)
        if self.environment == "production":
            for name in ("data_key", "index_key"):
                if getattr(self, name) in ("", PLACEHOLDER):
                    raise ValueError(f"MEMBERS_{name.upper()} must be set in production")
                decode_key(getattr(self, name))  # refuse a malformed key at start, not at first use
        return self

    def field_cipher(self) -> FieldCipher:
        """The cipher of the configured keys; in development, keys made once in the data folder."""
        data_key = self.data_key or ensure_key_file(self.data_dir / "keys" / "members-data.key")
        index_key = self.index_key or ensure_key_file(self.data_dir / "keys" / "members-index.key")
        return FieldCipher(decode_key(data_key), decode_key(index_key), [decode_key(key) for key in self.previous_data_keys])
