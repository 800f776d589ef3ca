"""Foundation helpers: text hygiene and segmentation, rate parsing, ids, tree paths."""

import pytest

from shiyu.core.ids import is_valid_id, valid_ids
from shiyu.core.ratelimit import parse_rate
from shiyu.core.text import clean, query_terms, tokens
from shiyu.core.tree import child_path


def test_clean_drops_control_characters_but_keeps_lines():
    assert clean("  路灯\u0000不亮\u200b\n第二行\t ") == "路灯不亮\n第二行"


def test_tokens_cover_any_chinese_substring():
    words = tokens("小区门口的烧烤摊油烟熏人")
    # jieba cuts 摊油/烟熏 here, so 油烟 is not a word; the character stream still has 油 then 烟.
    assert "油烟" not in words
    stream = [t for t in words if len(t) == 1]
    assert "油 烟" in " ".join(stream)


def test_query_terms_strip_syntax_characters():
    assert query_terms('油烟 "OR" -x*') == [("油烟", ["油", "烟"]), ("or", []), ("x", [])]
    assert query_terms("'; DROP TABLE") == [("drop", []), ("table", [])]


@pytest.mark.parametrize("rate,expected", [("30/h", (30, 3600)), ("10/10m", (10, 600)), ("5/s", (5, 1)),
                                           ("0", None), ("", None)])
def test_parse_rate(rate, expected):
    assert parse_rate(rate) == expected


def test_ids_outside_a_64_bit_key_are_not_ids():
    assert is_valid_id(1) and is_valid_id(2**63 - 1)
    assert not any(is_valid_id(v) for v in (0, -1, 2**63, True, "1", None))
    assert valid_ids([3, 10**30, 4]) == [3, 4]


def test_child_paths_sort_siblings_in_creation_order():
    class Node:
        path = "/00000008/"

    assert child_path(Node(), 9) < child_path(Node(), 10)
    assert child_path(None, 1) == "/00000001/"
