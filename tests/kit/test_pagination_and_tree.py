"""Pure helpers: keyset cursors and materialized paths."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, DateTime, MetaData, Table, Uuid

from services.kit.pagination import InvalidCursor, decode_cursor, encode_cursor, page_of
from services.kit.tree import child_path, depth, is_within

_table = Table("t", MetaData(), Column("at", DateTime(timezone=True)), Column("id", Uuid))


def test_a_cursor_round_trips_with_types() -> None:
    values = [datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), uuid.uuid4()]
    assert decode_cursor(encode_cursor(values), [_table.c.at, _table.c.id]) == values


@pytest.mark.parametrize("cursor", ["!!!", encode_cursor([1]), encode_cursor(["x", "not-a-uuid"])])
def test_a_bad_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, [_table.c.at, _table.c.id])


def test_page_of_cuts_the_extra_row_and_points_at_the_last_shown() -> None:
    items, cursor = page_of([1, 2, 3], 2, lambda n: [n])
    assert items == [1, 2]
    assert cursor == encode_cursor([2])
    assert page_of([1, 2], 2, lambda n: [n]) == ([1, 2], None)


def test_paths_nest_and_sort_by_subtree() -> None:
    root, child, grandchild, other = (uuid.uuid4() for _ in range(4))
    root_path = child_path(None, root)
    child_p = child_path(root_path, child)
    grand_p = child_path(child_p, grandchild)
    other_p = child_path(None, other)
    assert is_within(grand_p, root_path)
    assert is_within(child_p, child_p)
    assert not is_within(other_p, root_path)
    assert depth(grand_p) == 3
    assert root_path < child_p < grand_p < root_path + "~"
