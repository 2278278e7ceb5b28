"""The diagnostics of a subtree: each problem with its figures and the action it calls for."""

import uuid
from datetime import date
from typing import Any

from pydantic import Field

from services.kit.schemas import Schema
from services.orgs.enums import DiagnosticRule


class Diagnostic(Schema):
    org_id: uuid.UUID
    org_name: str
    rule: DiagnosticRule
    figures: dict[str, Any]
    action: str


class Diagnostics(Schema):
    org_id: uuid.UUID
    as_of: date
    items: list[Diagnostic]
    # The rules that could not be judged this time (another service did not answer); the others are.
    not_evaluated: list[DiagnosticRule] = Field(default_factory=list)
