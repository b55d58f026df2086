"""The catalogue against the circular: every text it prints is the circular's, at the point it cites."""

from __future__ import annotations

import pytest

from circular import COPY, SHARED, fold, text_at
from conftest import EXAMPLE_TEXT
from pipeline.criteria import available, load_catalogue, load_regulation

CATALOGUES = available()
LEVELS = ["cap-huyen", "cap-tinh"]
ARTICLES = {"cap-huyen": ("6", "7"), "cap-tinh": ("12", "13")}  # Mức độ 1, Mức độ 2
INDICATORS = {"cap-huyen": 3 + 15, "cap-tinh": 3 + 16}  # criteria + indicators: Tiêu chí 3 has six at cấp tỉnh


def _texts(cat):
    for c in cat.criteria:
        for level in (1, 2):
            yield f"tiêu chí {c.number} mức {level}", c.source[f"level{level}"], c.title.at(level)
        for i in c.indicators:
            for level in (1, 2):
                yield f"chỉ tiêu {c.number}.{i.number} mức {level}", i.source[f"level{level}"], i.text.at(level)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("regulation", CATALOGUES)
def test_every_text_is_the_circulars_at_the_point_it_cites(regulation, level):
    cat = load_catalogue(regulation, level)
    checked = 0
    for what, cite, text in _texts(cat):
        assert fold(text) == fold(text_at(cite)), f"{level}: {what} ({cite}) không đúng nguyên văn Thông tư"
        checked += 1
    assert checked == 2 * INDICATORS[level]


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("regulation", CATALOGUES)
def test_levels_cite_the_articles_of_their_level(regulation, level):
    """Mức độ 1 of cấp huyện is Điều 6, Mức độ 2 Điều 7; of cấp tỉnh Điều 12 and 13; the points follow the
    indicators' order, and every point of those articles is in the catalogue (none left out, none added)."""
    letters = "abcdđe"
    first, second = ARTICLES[level]
    cat = load_catalogue(regulation, level)
    for c in cat.criteria:
        assert (c.source["level1"], c.source["level2"]) == (f"{first}.{c.number}", f"{second}.{c.number}")
        for i in c.indicators:
            assert i.source["level1"] == f"{first}.{c.number}.{letters[i.number - 1]}"
            assert i.source["level2"] == f"{second}.{c.number}.{letters[i.number - 1]}"
    cited = {i.source[f"level{n}"] for c in cat.criteria for i in c.indicators for n in (1, 2)}
    for article in (first, second):
        for clause in "123":
            for letter in letters:
                try:
                    text_at(f"{article}.{clause}.{letter}")
                except KeyError:
                    continue
                assert f"{article}.{clause}.{letter}" in cited, f"điểm {letter} khoản {clause} Điều {article} thiếu trong bộ tiêu chí"


def test_cap_tinh_takes_criteria_1_and_2_by_reference():
    """Điều 12 khoản 1–2 and Điều 13 khoản 1 refer to Điều 6, Điều 13 khoản 2 to Điều 7: the same words and rules."""
    huyen, tinh = load_catalogue("tt24-2023", "cap-huyen"), load_catalogue("tt24-2023", "cap-tinh")
    for n in (0, 1):
        for a, b in zip(huyen.criteria[n].indicators, tinh.criteria[n].indicators, strict=True):
            assert (a.text, a.rule) == (b.text, b.rule)
    assert text_at("12.2.a") == text_at("6.2.a") and text_at("13.2.a") == text_at("7.2.a")
    assert [i.number for i in tinh.criteria[2].indicators] == [1, 2, 3, 4, 5, 6]
    assert "4740/QĐ-BGDĐT" in tinh.criteria[2].indicators[4].text.at(1)
    assert tinh.criteria[2].indicators[2].applies_to_level2 is None  # 3.3 Mức độ 2 concerns every Đơn vị cấp tỉnh


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


@pytest.mark.parametrize("level", LEVELS)
def test_thresholds_are_the_circulars(level):
    """The numbers in each text are the rule's numbers: 3.3 asks “Tập thể lao động tiên tiến” at both levels;
    3.1's learners 95% and 97%; 3.4 (3.5 at cấp tỉnh) the digital level the text names, under its decision."""
    cat = load_catalogue("tt24-2023", level)
    for c in cat.criteria:
        for i in c.indicators:
            if i.rule.kind == "percentage":
                for level in (1, 2):
                    t = getattr(i.rule, f"level{level}")
                    assert f"Tối thiểu {t.min_percent}%" in i.text.at(level)
                    if i.rule.learners is not None:
                        want = getattr(i.rule.learners, f"level{level}").min_percent
                        assert f"tối thiểu {want}% người học" in i.text.at(level).casefold()
            if i.rule.kind == "digital_level":
                assert i.rule.framework in i.text.at(1) and i.rule.framework in i.text.at(2)
                assert "“mức đáp ứng cơ bản”" in i.text.at(1) and i.rule.level1.at_least == "co-ban"
                assert "“mức đáp ứng tốt”" in i.text.at(2) and i.rule.level2.at_least == "tot"
            if i.rule.kind == "accreditation":
                assert "đạt kiểm định chất lượng giáo dục nghề nghiệp" in i.text.at(1)
            if i.rule.kind == "collective_title":
                assert i.rule.level1.at_least == i.rule.level2.at_least == "tap-the-lao-dong-tien-tien"
                for level in (1, 2):
                    assert "“Tập thể lao động tiên tiến”" in i.text.at(level)


# ---------------------------------------------------------------- every kind of Điều 2, at each of its levels

# What the circular says applies to each kind, written here by hand from Điều 2, 6, 7, 12, 13 (not read from the
# catalogue): beyond the indicators every unit has, which ones concern the kind, at each of its levels.
EVERY_UNIT = {"1.1", "1.2", "1.4", "1.5", "2.1", "2.2", "2.3", "2.5", "3.1", "3.2", "3.3"}
STATE, MEMBERS = {"1.3"}, {"2.4"}  # 1.3: cơ quan, đơn vị sự nghiệp công lập; 2.4: not a tổ chức kinh tế
HUYEN = {
    "ubnd-xa": STATE | MEMBERS, "co-quan": STATE | MEMBERS, "co-quan-dang": STATE | MEMBERS,
    "mat-tran": STATE | MEMBERS, "doan-the": STATE | MEMBERS, "luc-luong-vu-trang": STATE | MEMBERS,
    "doanh-nghiep": set(), "hoi-khuyen-hoc": MEMBERS, "to-chuc-xa-hoi": MEMBERS,
    "mam-non": STATE | MEMBERS, "mam-non-tu-thuc": MEMBERS,
    "tieu-hoc": STATE | MEMBERS | {"3.4"}, "thcs": STATE | MEMBERS | {"3.4"}, "lien-cap-thcs": STATE | MEMBERS | {"3.4"},
    "ptdt-ban-tru": STATE | MEMBERS | {"3.4"}, "ptdtnt-huyen": STATE | MEMBERS | {"3.4"},
    "truong-pho-thong": STATE | MEMBERS | {"3.4"}, "pho-thong-tu-thuc": MEMBERS | {"3.4"},
    "co-so-gdnn": STATE | MEMBERS | {"3.5"}, "gdnn-tu-thuc": MEMBERS | {"3.5"}, "co-so-giao-duc-khac": STATE | MEMBERS,
}
TINH = {
    "co-quan": STATE | MEMBERS, "co-quan-dang": STATE | MEMBERS, "mat-tran": STATE | MEMBERS,
    "doan-the": STATE | MEMBERS, "luc-luong-vu-trang": STATE | MEMBERS, "doanh-nghiep": set(),
    "ban-quan-ly-khu": STATE | MEMBERS, "hoi-khuyen-hoc": MEMBERS, "to-chuc-xa-hoi": MEMBERS,
    "thpt": STATE | MEMBERS | {"3.4"}, "lien-cap-thpt": STATE | MEMBERS | {"3.4"}, "ptdtnt-tinh": STATE | MEMBERS | {"3.4"},
    "truong-chuyen": STATE | MEMBERS | {"3.4"}, "thpt-tu-thuc": MEMBERS | {"3.4"}, "gdtx": STATE | MEMBERS | {"3.4"},
    "du-bi-dai-hoc": STATE | MEMBERS, "truong-nang-khieu": STATE | MEMBERS, "truong-khuyet-tat": STATE | MEMBERS,
    "truong-giao-duong": STATE | MEMBERS, "hoa-nhap": STATE | MEMBERS,
    "dai-hoc": STATE | MEMBERS | {"3.5"}, "dai-hoc-tu-thuc": MEMBERS | {"3.5"},
    "co-so-gdnn": STATE | MEMBERS | {"3.6"}, "gdnn-tu-thuc": MEMBERS | {"3.6"}, "co-so-giao-duc-khac": STATE | MEMBERS,
}
# Người học (Điều 2 khoản 8): every Cơ sở giáo dục but preschools, primary and lower-secondary schools
LEARNERS = {"co-so-gdnn", "gdnn-tu-thuc", "co-so-giao-duc-khac", "thpt", "lien-cap-thpt", "ptdtnt-tinh", "truong-chuyen",
            "thpt-tu-thuc", "gdtx", "du-bi-dai-hoc", "truong-nang-khieu", "truong-khuyet-tat", "truong-giao-duong",
            "hoa-nhap", "dai-hoc", "dai-hoc-tu-thuc"}
CASES = [(k, "cap-huyen") for k in HUYEN] + [(k, "cap-tinh") for k in TINH]


def test_every_kind_of_the_catalogue_is_checked_here():
    reg = load_regulation("tt24-2023")
    assert {k for k, lv in CASES} == set(reg.kinds)
    assert {(k, lv) for k, lv in CASES} == {(k, lv) for k, kind in reg.kinds.items() for lv in kind.levels}


@pytest.mark.parametrize("kind, level", CASES)
def test_each_kind_gets_the_circulars_indicators_and_texts(kind, level):
    """Evaluated as that kind: the indicators applied are the circular's for it, and every text printed is the
    circular's at that level's article (cấp huyện Điều 6–7, cấp tỉnh Điều 12–13)."""
    from pipeline.rules.evaluate import evaluate
    from pipeline.sources.load import parse
    from pipeline.sources.model import DossierInput

    BASE, *_ = parse(EXAMPLE_TEXT, "example")  # the example, as a dict

    cat = load_catalogue("tt24-2023", level)
    extra = (HUYEN if level == "cap-huyen" else TINH)[kind]
    data = dict(BASE, unit=dict(BASE["unit"], kind=kind, level=level))
    if kind in LEARNERS:
        data["learners"] = {"total": 100, "learning_citizens": 96}
    a = evaluate(DossierInput.model_validate(data), cat)
    applied = {r.code for r in a.indicators if r.applicable}
    assert applied == EVERY_UNIT | extra
    first, second = ARTICLES[level]
    letters = "abcdđe"
    for r in a.indicators:
        assert fold(r.text_level1) == fold(text_at(f"{first}.{r.criterion}.{letters[r.number - 1]}"))
        assert fold(r.text_level2) == fold(text_at(f"{second}.{r.criterion}.{letters[r.number - 1]}"))
    learners = [c for c in a.indicator("3.1").checks if c.fact == "learners"]
    assert bool(learners) == (kind in LEARNERS)
    if learners:  # 96 of 100: 95% met, 97% not
        assert [c.met for c in learners] == [True, False]
    m2_33 = a.indicator("3.3").checks[-1].text
    concerned = level == "cap-tinh" or "1.3" in extra
    assert ("không đặt yêu cầu này" in m2_33) is (not concerned)
