"""Bulk import of member records: the report of every row's problems."""

from pydantic import BaseModel, Field


class ImportProblem(BaseModel):
    row: int = Field(description="1 is the header row")
    column: str | None
    problem: str


class ImportReport(BaseModel):
    rows: int
    dry_run: bool
    imported: int
    errors: list[ImportProblem]
    warnings: list[ImportProblem] = Field(
        default_factory=list,
        description="doubtful values that do not stop the row (an ID number's region code not in GB/T 2260): check them",
    )
