"""Activity statistics: one row per type, month or child organization."""

import uuid
from decimal import Decimal

from services.kit.schemas import Schema


class StatRow(Schema):
    key: str
    activities: int
    held: int
    attendance_records: int
    present: int
    participation_rate: float | None
    volunteer_hours: Decimal


class ActivityStats(Schema):
    within: uuid.UUID
    period: str
    group_by: str
    rows: list[StatRow]
