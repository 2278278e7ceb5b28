"""The four processes of the system and where their code and migrations live."""

from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"


@dataclass(frozen=True)
class Process:
    name: str  # also its schema, its Alembic section and its settings' env prefix (upper-cased)
    app: str  # "module:attribute" for uvicorn
    default_port: int

    @property
    def env_prefix(self) -> str:
        return self.name.upper() + "_"


GATEWAY = Process("gateway", "gateway.app:app", 8000)
ORGS = Process("orgs", "services.orgs.app:app", 8001)
MEMBERS = Process("members", "services.members.app:app", 8002)
ACTIVITIES = Process("activities", "services.activities.app:app", 8003)

PROCESSES = {p.name: p for p in (GATEWAY, ORGS, MEMBERS, ACTIVITIES)}
SERVICES = (ORGS, MEMBERS, ACTIVITIES)
# Services that read another's feed get a machine client of their own at the gateway.
SERVICE_CLIENT_IDS = {"members": "svc-members", "activities": "svc-activities", "orgs": "svc-orgs"}
