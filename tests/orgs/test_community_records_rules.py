"""The pure rules of a community's small records and of the diagnostics judged on them."""

import uuid
from datetime import date

from services.orgs.enums import Facility
from services.orgs.rules import OrgsPolicy
from services.orgs.rules.community_records import facilities_set, worker_dates_error
from services.orgs.rules.diagnostics import (
    cooperative_merged,
    few_service_activities,
    missing_facilities,
    no_admissions,
    service_window,
    simply_combined,
    workforce,
    years_before,
)

POLICY = OrgsPolicy()
AS_OF = date(2026, 11, 26)


def test_a_cooperative_is_merged_only_when_its_party_organization_is_the_communitys() -> None:
    community_org, own = uuid.uuid4(), uuid.uuid4()

    assert cooperative_merged(community_org, community_org)
    assert not cooperative_merged(own, community_org)
    assert not cooperative_merged(None, community_org)
    assert not cooperative_merged(None, None)


def test_an_ageing_workforce_is_more_than_half_aged_50_or_over_on_the_day() -> None:
    # Two of three are 50 or over on the day (one turns 50 on it), all with college education.
    workers = [(date(1976, 11, 26), "college"), (date(1960, 1, 1), "bachelor"), (date(1990, 1, 1), "postgraduate")]

    found = workforce(workers, AS_OF, POLICY)

    assert found is not None
    assert (found.workers, found.old, found.ageing, found.under_educated) == (3, 2, True, False)
    assert found.old_share == 2 / 3
    # A day earlier the first is 49: one of three is old, which is no problem.
    assert workforce(workers, date(2026, 11, 25), POLICY) is None


def test_an_under_educated_workforce_has_fewer_than_half_with_college_or_above() -> None:
    half = [(date(1990, 1, 1), "college"), (date(1991, 1, 1), "secondary")]
    less = [*half, (date(1992, 1, 1), "junior_high")]

    assert workforce(half, AS_OF, POLICY) is None
    found = workforce(less, AS_OF, POLICY)
    assert found is not None
    assert found.under_educated
    assert not found.ageing
    assert workforce([], AS_OF, POLICY) is None


def test_the_thresholds_are_the_policys() -> None:
    workers = [(date(1980, 1, 1), "college"), (date(1990, 1, 1), "college")]

    assert workforce(workers, AS_OF, OrgsPolicy(worker_old_age=40, worker_max_old_share=0.4)) is not None
    assert workforce(workers, AS_OF, OrgsPolicy(worker_min_college_share=1.0)) is None


def test_missing_facilities_are_the_basic_ones_no_open_venue_offers() -> None:
    venues = [["meeting_room", "projector"], ["activity_room"]]

    assert missing_facilities(venues, POLICY) == ["service_hall"]
    assert missing_facilities([*venues, ["service_hall"]], POLICY) == []
    assert missing_facilities([], POLICY) == ["meeting_room", "activity_room", "service_hall"]
    assert missing_facilities(venues, OrgsPolicy(basic_facilities=[Facility.projector])) == []


def test_a_venue_lists_each_facility_once_in_code_order() -> None:
    assert facilities_set([Facility.projector, Facility.meeting_room, Facility.projector]) == [
        Facility.meeting_room,
        Facility.projector,
    ]


def test_a_workers_dates_are_a_range() -> None:
    born = date(1980, 1, 1)

    assert worker_dates_error(born, date(2010, 1, 1), None) is None
    assert worker_dates_error(born, date(1979, 1, 1), None) == ("since", "since is before the birth date")
    assert worker_dates_error(born, date(2010, 1, 1), date(2009, 1, 1)) == ("until", "until is before since")


def test_a_simply_combined_team_is_only_old_team_members_unchanged_since_the_merger() -> None:
    merged_on = date(2024, 1, 1)
    old = {"a", "b", "c"}

    assert simply_combined({"a", "b"}, old, merged_on, date(2024, 1, 1), date(2022, 1, 1))
    assert simply_combined({"a"}, old, merged_on, date(2023, 6, 1), None)
    # Someone from outside the old teams, a post begun after the merger, an election since: changed.
    assert not simply_combined({"a", "x"}, old, merged_on, date(2024, 1, 1), None)
    assert not simply_combined({"a", "b"}, old, merged_on, date(2024, 1, 2), None)
    assert not simply_combined({"a", "b"}, old, merged_on, date(2024, 1, 1), date(2024, 3, 1))
    assert not simply_combined(set(), old, merged_on, None, None)


def test_no_admissions_is_no_one_joined_for_the_policys_years() -> None:
    assert no_admissions(date(2023, 11, 26), AS_OF, POLICY)
    assert not no_admissions(date(2023, 11, 27), AS_OF, POLICY)
    assert not no_admissions(None, AS_OF, POLICY)
    assert not no_admissions(date(2023, 11, 26), AS_OF, OrgsPolicy(admission_gap_years=4))
    assert years_before(date(2028, 2, 29), 3) == date(2025, 2, 28)


def test_few_service_activities_is_fewer_than_the_policys_minimum_in_the_last_12_months() -> None:
    assert few_service_activities(3, POLICY)
    assert not few_service_activities(4, POLICY)
    assert not few_service_activities(0, OrgsPolicy(service_activities_min=0))
    assert service_window(AS_OF) == (date(2025, 11, 27), AS_OF)
