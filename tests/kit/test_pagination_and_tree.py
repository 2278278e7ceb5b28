"""Pure helpers: keyset cursors and materialized paths."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, DateTime, MetaData, Table, Uuid

from services.kit.pagination import InvalidCursor, decode_cursor, encode_cursor, page_of
from services.kit.tree import KEY_MAX_ORDINAL, KEY_WIDTH, child_key, child_path, code_ordinal, depth, is_within, ordinal_code

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


def test_compact_keys_sort_as_their_ordinals_and_nest_without_separators() -> None:
    codes = [ordinal_code(n) for n in (1, 9, 10, 61, 62, 63, 3843, 3844, KEY_MAX_ORDINAL)]

    assert codes == sorted(codes)  # byte order, as the "C" collation compares
    assert {len(c) for c in codes} == {KEY_WIDTH}
    assert [code_ordinal(c) for c in codes] == [1, 9, 10, 61, 62, 63, 3843, 3844, KEY_MAX_ORDINAL]
    parent = child_key(None, 2)
    child, sibling_after = child_key(parent, KEY_MAX_ORDINAL), child_key(None, 3)
    assert parent < child < parent + "~" <= sibling_after
    for bad in (0, KEY_MAX_ORDINAL + 1):
        with pytest.raises(ValueError, match="at most"):
            ordinal_code(bad)
