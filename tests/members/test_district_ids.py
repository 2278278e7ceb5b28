"""A real district's ID numbers and dates: numbers whose region (where they were issued, from 1984
on) is younger than their holders are accepted by file, by single creates and by applications;
what makes a number wrong is still refused with the field named; an unknown region is a warning
in the import's row report; historical records that skip the probation are reported row by row."""

from datetime import date
from typing import Any

import httpx

from tests.builders import member_body, resident_id
from tests.members.conftest import OrgReplica
from tests.members.test_recruitment import application_body
from tests.members.test_tabular import csv_file, ids_under, row_of, upload
from tests.support import Tokens

# Older members of districts created after their births (GB/T 2260): the region, the year it was
# created, a birth date before it.
DISTRICT = (
    ("310115", date(1950, 3, 2)),  # 上海市浦東新區, 1993
    ("440305", date(1948, 7, 9)),  # 深圳市南山區, 1990
    ("330102", date(1975, 1, 1)),  # 杭州市上城區
    ("330108", date(1950, 10, 1)),  # 杭州市濱江區, 1996
    ("110115", date(1940, 5, 5)),  # 北京市大興區, 2001
    ("500112", date(1952, 12, 31)),  # 重慶市渝北區, 1994
)
UNKNOWN_REGION = "319999"  # a province that exists, a region the register does not know


def person(region: str, born: date, serial: int, org_id: str) -> dict[str, Any]:
    sex = "male" if serial % 2 else "female"
    return member_body(org_id=org_id, birth_date=born.isoformat()) | {"id_number": resident_id(born, serial, region), "sex": sex}


def with_check_character(body17: str) -> str:
    return body17 + "0123456789X"[(1 - 2 * int(body17, 13)) % 11]


def wrong_numbers(org_id: str) -> list[tuple[str, dict[str, Any], str]]:
    """(what is wrong, the record, the field named) for numbers of this district that are wrong."""
    good = person("310115", date(1950, 3, 2), 301, org_id)
    number = good["id_number"]
    flipped = "0" if number[-1] != "0" else "1"
    future = person("310115", date(2030, 1, 1), 303, org_id) | {"birth_date": "2030-01-01"}
    return [
        ("check character", good | {"id_number": number[:-1] + flipped}, "id_number"),
        ("future birth date", future, "id_number"),
        ("birth date disagrees", good | {"birth_date": "1950-03-03"}, "birth_date"),
        ("sex disagrees", good | {"sex": "female"}, "sex"),
        ("unknown province", good | {"id_number": with_check_character("99" + number[2:17])}, "id_number"),
    ]


class TestOlderMembersOfYoungerDistricts:
    async def test_imported_by_file_every_row_is_accepted(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        org_id = tree["branch"]["id"]
        bodies = [person(region, born, 101 + n, org_id) for n, (region, born) in enumerate(DISTRICT)]
        bodies.append(person(UNKNOWN_REGION, date(1950, 3, 2), 111, org_id))

        dry = await upload(members_client, tokens, csv_file([row_of(b) for b in bodies]), "csv", dry_run="true")
        done = await upload(members_client, tokens, csv_file([row_of(b) for b in bodies]), "csv")

        assert dry.status_code == 200, dry.text
        assert dry.json()["errors"] == []
        assert done.status_code == 200, done.text
        assert (done.json()["imported"], done.json()["errors"]) == (len(bodies), [])
        # The unknown region is reported on its row (the header is row 1), and stopped nothing.
        assert [(w["row"], w["column"]) for w in done.json()["warnings"]] == [(len(bodies) + 1, "身份證號碼")]
        held = await ids_under(members_client, tokens, org_id)
        assert sorted(m["id_number"] for m in held) == sorted(b["id_number"] for b in bodies)

    async def test_created_one_by_one_and_applying_every_one_is_accepted(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        org_id = tree["branch"]["id"]
        bodies = [person(region, born, 201 + n, org_id) for n, (region, born) in enumerate(DISTRICT)]
        bodies.append(person(UNKNOWN_REGION, date(1950, 3, 2), 211, org_id))

        created = [await members_client.post("/api/v1/members", json=b, headers=tokens.headers()) for b in bodies]
        applicants = [person(region, born, 401 + n, org_id) for n, (region, born) in enumerate(DISTRICT)]
        applied = [
            await members_client.post(
                "/api/v1/recruitment/applications",
                json=application_body(org_id, **{k: a[k] for k in ("id_number", "birth_date", "sex")}),
                headers=tokens.headers(),
            )
            for a in applicants
        ]

        assert [r.status_code for r in created] == [201] * len(bodies), [r.text for r in created if r.status_code != 201]
        assert [r.status_code for r in applied] == [201] * len(applicants), [r.text for r in applied if r.status_code != 201]


class TestWrongNumbersOfTheDistrict:
    async def test_a_single_create_is_refused_with_the_field_named(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()

        for what, body, field in wrong_numbers(tree["branch"]["id"]):
            refused = await members_client.post("/api/v1/members", json=body, headers=tokens.headers())
            assert refused.status_code == 422, what
            assert field in [e["field"] for e in refused.json()["errors"]], what
            application = application_body(tree["branch"]["id"], **{k: body[k] for k in ("id_number", "birth_date", "sex")})
            not_applied = await members_client.post(
                "/api/v1/recruitment/applications", json=application, headers=tokens.headers()
            )
            assert not_applied.status_code == 422, what
            assert field in [e["field"] for e in not_applied.json()["errors"]], what
        assert await ids_under(members_client, tokens, tree["branch"]["id"]) == []

    async def test_an_import_reports_each_row_with_the_column_named_and_writes_nothing(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        wrong = wrong_numbers(tree["branch"]["id"])
        good = person("440305", date(1948, 7, 9), 501, tree["branch"]["id"])

        refused = await upload(members_client, tokens, csv_file([row_of(good)] + [row_of(b) for _, b, _ in wrong]), "csv")

        assert refused.status_code == 422
        columns = {"id_number": "身份證號碼", "birth_date": "出生日期", "sex": "性別"}
        reported = {(e["row"], e["column"]) for e in refused.json()["report"]["errors"]}
        for row, (what, _body, field) in enumerate(wrong, start=3):
            assert (row, columns[field]) in reported, what
        assert 2 not in {row for row, _ in reported}
        assert await ids_under(members_client, tokens, tree["branch"]["id"]) == []


class TestHistoricalProbation:
    async def test_an_import_reports_every_row_that_skips_the_probation_with_all_its_problems(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        org_id = tree["branch"]["id"]
        on_time = person("310115", date(1950, 3, 2), 601, org_id) | {"joined_on": "1975-03-02", "full_on": "1976-03-02"}
        early = person("330108", date(1950, 10, 1), 603, org_id) | {"joined_on": "1976-05-10", "full_on": "1976-06-09"}
        early_and_wrong_sex = person("440305", date(1948, 7, 9), 605, org_id) | {
            "joined_on": "1976-05-10",
            "full_on": "1977-05-09",
            "sex": "female",
        }

        dry = await upload(
            members_client, tokens, csv_file([row_of(b) for b in (on_time, early, early_and_wrong_sex)]), "csv", dry_run="true"
        )

        assert dry.status_code == 200, dry.text
        report = dry.json()
        assert [(e["row"], e["column"]) for e in report["errors"]] == [(3, "轉正日期"), (4, "性別"), (4, "轉正日期")]
        assert "1977-05-10" in report["errors"][0]["problem"]
        assert "1977-05-10" in report["errors"][2]["problem"]
