"""The recruitment pipeline and the dues ledger through the gateway, on the real processes: the
gateway's route table sends /recruitment and /dues to the members service."""

import httpx

from tests.builders import member_body, next_person
from tests.members.test_records_through_gateway import create_org
from tests.support import LiveStack, wait_until


def test_an_application_and_a_dues_month_through_the_gateway(live: LiveStack) -> None:
    headers = live.business_headers()
    county = create_org(live, headers)
    township = create_org(live, headers, tier="township", parent_id=county["id"])
    branch = create_org(live, headers, tier="community", kind="branch", parent_id=township["id"])
    api = live.url() + "/api/v1"
    body = member_body(org_id=str(branch["id"]))

    def create_member() -> httpx.Response | None:
        response = httpx.post(api + "/members", json=body, headers=headers)
        return response if response.status_code == 201 else None

    created = wait_until(create_member, 10, 0.05)
    assert created is not None, "the members' replica never received the organization"
    member_id = created.json()["id"]
    id_number, birth_date, sex = next_person()
    application = {
        "name": "申請人",
        "sex": sex,
        "id_number": id_number,
        "birth_date": birth_date.isoformat(),
        "education": "college",
        "occupation": "farmer",
        "org_id": branch["id"],
        "applied_on": "2026-01-05",
    }

    applied = httpx.post(api + "/recruitment/applications", json=application, headers=headers)
    due = httpx.get(
        api + "/recruitment/due", params={"kind": "talk", "as_of": "2026-03-01", "within": county["id"]}, headers=headers
    )
    assessed = httpx.put(f"{api}/dues/{member_id}/2026-01", json={"category": "farmer"}, headers=headers)
    record = httpx.get(f"{api}/members/{member_id}", headers=headers)

    assert applied.status_code == 201, applied.text
    assert [item["application"]["id"] for item in due.json()["items"]] == [applied.json()["id"]]
    assert (assessed.status_code, assessed.json()["due_fen"]) == (201, 20)
    assert record.json()["dues_paid_through"] is None
