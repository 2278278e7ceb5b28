"""Rules of spreadsheets the service writes."""


def escape_cell(value: str) -> str:
    """A spreadsheet cell that cannot run as a formula: text starting with = + - @ gets a quote."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
