"""A node's group: the deepest marked node on its path (kit.tree), as the services' counties are."""

import uuid

from services.kit.tree import child_path, deepest_of, path_ids

PROVINCE, CITY, COUNTY, TOWNSHIP, BRANCH = (uuid.uuid4() for _ in range(5))


def test_a_path_reads_back_as_its_ids_root_first() -> None:
    path = child_path(child_path(child_path(None, PROVINCE), CITY), COUNTY)
    assert path_ids(path) == [PROVINCE, CITY, COUNTY]
    assert path_ids("/") == []


def test_the_deepest_marked_node_on_the_path_is_the_group() -> None:
    path = [PROVINCE, CITY, COUNTY, TOWNSHIP, BRANCH]
    assert deepest_of(path, {PROVINCE, CITY, COUNTY}) == COUNTY
    assert deepest_of(path[:3], {PROVINCE, CITY, COUNTY}) == COUNTY  # the marked node itself
    # A city's own organs sit at the county tier: their members form the city's group.
    assert deepest_of(path[:2], {PROVINCE, CITY, COUNTY}) == CITY


def test_a_node_with_no_marked_node_above_it_yet_is_its_own_group() -> None:
    assert deepest_of([TOWNSHIP, BRANCH], set()) == BRANCH
