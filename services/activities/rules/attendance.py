"""Rules of attendance: the rate."""


def attendance_rate(present: int, expected: int) -> float | None:
    return round(present / expected, 4) if expected else None
