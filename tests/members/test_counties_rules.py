"""The county a record is kept under (rules/counties.py)."""

import uuid

from services.kit.tree import child_path
from services.members.rules.counties import county_of, path_ids

PROVINCE, CITY, COUNTY, TOWNSHIP, BRANCH = (uuid.uuid4() for _ in range(5))


def test_a_path_reads_back_as_its_ids_root_first() -> None:
    path = child_path(child_path(child_path(None, PROVINCE), CITY), COUNTY)
    assert path_ids(path) == [PROVINCE, CITY, COUNTY]
    assert path_ids("/") == []


def test_the_deepest_county_tier_organization_on_the_path_is_the_county() -> None:
    path = [PROVINCE, CITY, COUNTY, TOWNSHIP, BRANCH]
    assert county_of(path, {PROVINCE, CITY, COUNTY}) == COUNTY
    assert county_of(path[:3], {PROVINCE, CITY, COUNTY}) == COUNTY  # the county itself
    # A city's own organs sit at the county tier: their members form the city's group.
    assert county_of(path[:2], {PROVINCE, CITY, COUNTY}) == CITY


def test_a_node_with_no_county_above_it_yet_is_its_own() -> None:
    assert county_of([TOWNSHIP, BRANCH], set()) == BRANCH
