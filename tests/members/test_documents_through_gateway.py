"""Documents through the gateway, on the real processes: an introduction letter printed as PDF
(when Chromium is installed) and verified by anyone without a token; a forged number or code is
refused; another township's letter is not found."""

import httpx
import pytest

from tests.builders import member_body
from tests.members.test_documents import CODE, need_pdf_tools
from tests.members.test_records_through_gateway import create_org
from tests.support import LiveStack, wait_until


def test_a_letter_is_printed_and_verified_publicly_and_a_forged_one_refused(live: LiveStack) -> None:
    headers = live.business_headers()
    api = live.url() + "/api/v1"
    county = create_org(live, headers)
    township = create_org(live, headers, tier="township", parent_id=county["id"])
    other = create_org(live, headers, tier="township", parent_id=county["id"])
    sender = create_org(live, headers, tier="community", kind="branch", parent_id=township["id"], name="石山村支部")
    receiver = create_org(live, headers, tier="community", kind="branch", parent_id=township["id"])
    body = member_body(org_id=str(sender["id"]), name="李四")
    created = wait_until(lambda: httpx.post(api + "/members", json=body, headers=headers).status_code == 201, 10, 0.05)
    assert created, "the members' replica never received the organization"
    member_id = httpx.get(api + "/members", params={"q": "李四"}, headers=headers).json()["items"][0]["id"]
    request = {"member_id": member_id, "kind": "within", "to_org_id": receiver["id"], "requested_on": "2026-11-01"}
    # The receiving branch reaches the members' replica by the event feed, possibly a poll after the sender.
    answer = wait_until(
        lambda: (r := httpx.post(api + "/transfers", json=request, headers=headers)).status_code == 201 and r, 10, 0.05
    )
    assert answer, "the members' replica never received the receiving branch"
    transfer = answer.json()
    approved = httpx.post(
        f"{api}/transfers/{transfer['id']}/approve", json={"decided_on": "2026-11-02", "letter_number": "L-9"}, headers=headers
    )
    assert approved.status_code == 200, approved.text

    page = httpx.get(f"{api}/transfers/{transfer['id']}/letter", params={"format": "html"}, headers=headers)
    neighbour = httpx.get(
        f"{api}/transfers/{transfer['id']}/letter",
        params={"format": "html"},
        headers=live.business_headers(scope_org_id=str(other["id"])),
    )

    assert page.status_code == 200, page.text
    assert "党员组织关系介绍信" in page.text
    assert neighbour.status_code == 404, neighbour.text
    number = page.headers["x-document-number"]
    [code] = CODE.findall(page.text)
    real = httpx.get(api + "/documents/verify", params={"number": number, "code": code})  # no token
    traditional = httpx.get(
        api + "/documents/verify", params={"number": number, "code": code}, headers={"accept-language": "zh-TW"}
    )
    # Another number with this code (another document's, or none): refused either way.
    forged_number = number[:-1] + ("2" if number.endswith("1") else "1")
    forged = httpx.get(api + "/documents/verify", params={"number": forged_number, "code": code})
    unknown = httpx.get(api + "/documents/verify", params={"number": "XX2026000001", "code": code})
    assert real.status_code == 200, real.text
    assert real.json() | {"number": None} == {
        "valid": True,
        "kind": "transfer_letter",
        "kind_label": "党员组织关系介绍信",
        "number": None,
        "org_name": "石山村支部",
        "issued_on": "2026-11-02",
    }
    assert traditional.json()["kind_label"] == "黨員組織關係介紹信"
    assert "李四" not in real.text
    assert forged.status_code == 404, forged.text
    assert unknown.status_code == 404
    assert unknown.json()["type"].endswith("/document-not-found")
    wrong_code = httpx.get(api + "/documents/verify", params={"number": number, "code": "AAAA-AAAA-AAAA-AAAA"})
    assert wrong_code.status_code == 404

    try:
        need_pdf_tools()
    except pytest.skip.Exception:
        return  # the PDF itself is tested in-process (test_documents.py); here the route is
    pdf = httpx.get(f"{api}/transfers/{transfer['id']}/letter", headers=headers, timeout=60)
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["x-document-number"] == number
