"""The catalogue against the circular: every text it prints is the circular's, at the point it cites."""

from __future__ import annotations

import pytest

from circular import COPY, SHARED, fold, text_at
from pipeline.criteria import available, load_catalogue

CATALOGUES = available()


def _texts(cat):
    for c in cat.criteria:
        for level in (1, 2):
            yield f"tiêu chí {c.number} mức {level}", c.source[f"level{level}"], c.title.at(level)
        for i in c.indicators:
            for level in (1, 2):
                yield f"chỉ tiêu {c.number}.{i.number} mức {level}", i.source[f"level{level}"], i.text.at(level)


@pytest.mark.parametrize("regulation", CATALOGUES)
def test_every_text_is_the_circulars_at_the_point_it_cites(regulation):
    cat = load_catalogue(regulation)
    checked = 0
    for what, cite, text in _texts(cat):
        assert fold(text) == fold(text_at(cite)), f"{what} ({cite}) không đúng nguyên văn Thông tư"
        checked += 1
    assert checked == 2 * (3 + 15)


@pytest.mark.parametrize("regulation", CATALOGUES)
def test_levels_cite_the_articles_of_their_level(regulation):
    """Mức độ 1 of cấp huyện is Điều 6, Mức độ 2 is Điều 7; the points follow the indicators' order."""
    letters = "abcdđe"
    for c in load_catalogue(regulation).criteria:
        for i in c.indicators:
            assert i.source["level1"] == f"6.{c.number}.{letters[i.number - 1]}"
            assert i.source["level2"] == f"7.{c.number}.{letters[i.number - 1]}"


def test_the_copy_of_the_circular_is_the_shared_one():
    if not SHARED.exists():
        pytest.skip("không có ../shared/regulations/tt24-2023.txt để so với bản sao trong tests/data")
    assert COPY.read_text(encoding="utf-8") == SHARED.read_text(encoding="utf-8")


def test_a_drifted_text_is_caught():
    """The check can fail: the plan's paraphrase of 2.2 is not the circular's text."""
    plan = ("Tối thiểu 90% thành viên trong đơn vị hoàn thành đầy đủ các chương trình học tập, bồi dưỡng theo quy "
            "định của nhà nước, được lãnh đạo đơn vị phê duyệt.")
    assert fold(plan) != fold(text_at("6.2.b"))
    assert text_at("7.1.a") == text_at("6.1.a")  # Điều 7 khoản 1 refers to khoản 1 Điều 6
    assert text_at("7.3.c").startswith("Đơn vị cấp huyện là cơ quan, đơn vị sự nghiệp công lập đạt danh hiệu")


def test_thresholds_are_the_circulars():
    """The numbers in each text are the rule's numbers: 3.3 asks “Tập thể lao động tiên tiến” at both levels."""
    cat = load_catalogue("tt24-2023")
    for c in cat.criteria:
        for i in c.indicators:
            if i.rule.kind == "percentage":
                for level in (1, 2):
                    t = getattr(i.rule, f"level{level}")
                    assert f"Tối thiểu {t.min_percent}%" in i.text.at(level)
            if i.rule.kind == "collective_title":
                assert i.rule.level1.at_least == i.rule.level2.at_least == "tap-the-lao-dong-tien-tien"
                for level in (1, 2):
                    assert "“Tập thể lao động tiên tiến”" in i.text.at(level)
