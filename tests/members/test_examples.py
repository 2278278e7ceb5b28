"""The examples the API description shows for the members service's main bodies are accepted by
the service itself: by its rules (the ID number's check character against the birth date and sex,
the year of probation before `full_on`, an applicant's age), not only by the body's shape."""

from typing import Any

import httpx

from services.members.schemas.records import MEMBER_EXAMPLE
from services.members.schemas.recruitment import ApplicationCreate
from tests.members.conftest import OrgReplica
from tests.support import Tokens


def _example(document: dict[str, Any], path: str, media_type: str) -> Any:
    return document["paths"][path]["post"]["requestBody"]["content"][media_type]["example"]


async def test_the_member_example_imports_as_csv_and_files_as_json(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
) -> None:
    tree = await replica.tree()
    org_id = tree["branch"]["id"]
    document = (await members_client.get("/openapi.json")).json()
    csv_example = _example(document, "/api/v1/members/import", "text/csv")
    assert MEMBER_EXAMPLE["id_number"] in csv_example

    # A dry run first: it writes nothing, so the JSON example below is still a new person.
    dry_run = await members_client.post(
        "/api/v1/members/import",
        content=csv_example.replace(MEMBER_EXAMPLE["org_id"], org_id).encode(),
        params={"dry_run": "true"},
        headers={**tokens.headers("org_admin"), "content-type": "text/csv"},
    )
    filed = await members_client.post("/api/v1/members", json=MEMBER_EXAMPLE | {"org_id": org_id}, headers=tokens.headers())

    assert dry_run.status_code == 200, dry_run.text
    assert dry_run.json()["rows"] == 1
    assert dry_run.json()["errors"] == []
    assert dry_run.json()["warnings"] == []
    assert filed.status_code == 201, filed.text
    assert filed.json()["name"] == MEMBER_EXAMPLE["name"]


async def test_the_application_example_is_received(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
) -> None:
    tree = await replica.tree()
    extra = ApplicationCreate.model_config.get("json_schema_extra")
    assert isinstance(extra, dict)
    [example] = extra["examples"]  # type: ignore[misc]
    assert isinstance(example, dict)

    response = await members_client.post(
        "/api/v1/recruitment/applications", json=example | {"org_id": tree["branch"]["id"]}, headers=tokens.headers()
    )

    assert response.status_code == 201, response.text
