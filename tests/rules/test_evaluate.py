"""Stage 3 — evaluate: every verdict from the data, exactly, with hand-computed expectations."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from fractions import Fraction

import pytest

from conftest import EXAMPLE, EXAMPLE_TEXT, ROOT, edit, line_of, run_cli
from pipeline.core.formatting import percent_beside, percent_share
from pipeline.core.problems import InputError
from pipeline.core.vocab import Level
from pipeline.criteria import load_catalogue
from pipeline.rules.assess import assess_file
from pipeline.rules.evaluate import evaluate, reaches
from pipeline.sources.load import parse
from pipeline.sources.model import DossierInput

CAT = load_catalogue("tt24-2023")
BASE, *_ = parse(EXAMPLE_TEXT, "example")


def with_counts(total=20, **counts):
    """The example with aggregate staff counts; every fact defaults to all staff."""
    facts = ["discipline", "training_completed", "digital_training", "language_certificate",
             "language_meets_job", "advanced_worker", "learning_citizen"]
    data = dict(BASE, staff=None, staff_counts={"total": total, **{f: counts.get(f, total) for f in facts}})
    data.update({k: v for k, v in counts.items() if k not in facts})
    return evaluate(DossierInput.model_validate(data), CAT)


def with_roster(people):
    return evaluate(DossierInput.model_validate(dict(BASE, staff=people)), CAT)


def person(**overrides):
    p = dict(name="Nguyễn Văn A", discipline=True, training_completed=True, digital_training=True,
             language_certificate=True, language_meets_job=True, emulation_title="lao-dong-tien-tien",
             learning_citizen=True)
    p.update(overrides)
    return p


@pytest.mark.parametrize("count, total, percent, expected", [
    (18, 20, 90, True), (17, 20, 90, False), (19, 20, 90, True),
    (35, 39, 90, False), (36, 39, 90, True),
    (19, 20, 95, True), (37, 39, 95, False), (38, 40, 95, True),
    (10, 20, 50, True), (9, 20, 50, False), (14, 20, 70, True), (13, 20, 70, False),
    (8997, 10000, 90, False), (9000, 10000, 90, True),
])
def test_reaches_is_exact(count, total, percent, expected):
    assert reaches(count, total, Fraction(percent)) is expected


@pytest.mark.parametrize("code, fact", [("2.1", "discipline"), ("2.2", "training_completed"), ("2.3", "digital_training"),
                                        ("2.5", "advanced_worker"), ("3.1", "learning_citizen")])
@pytest.mark.parametrize("count, level", [(17, Level.NOT_MET), (18, Level.LEVEL_1), (19, Level.LEVEL_2), (20, Level.LEVEL_2)])
def test_percentage_indicator_boundaries_of_twenty(code, fact, count, level):
    # 18/20 = 90% exactly (level 1), 19/20 = 95% exactly (level 2), 17/20 = 85%
    assert with_counts(20, **{fact: count}).indicator(code).level == level


@pytest.mark.parametrize("count, level", [(35, Level.NOT_MET), (36, Level.LEVEL_1), (37, Level.LEVEL_1), (38, Level.LEVEL_2)])
def test_boundaries_of_thirty_nine(count, level):
    # 35/39 = 89,74% < 90; 36/39 = 92,3%; 37/39 = 94,87% < 95; 38/39 = 97,4%
    result = with_counts(39, discipline=count).indicator("2.1")
    assert result.level == level


def test_indicator_2_4_uses_different_facts_per_level():
    # certificate 10/20 = 50% (level 1 reached), job-level language 13/20 = 65% < 70%
    r = with_counts(20, language_certificate=10, language_meets_job=13).indicator("2.4")
    assert r.level == Level.LEVEL_1
    assert "10/20" in r.checks[0].text and "13/20" in r.checks[1].text
    assert with_counts(20, language_certificate=10, language_meets_job=14).indicator("2.4").level == Level.LEVEL_2
    # each level by its own article (Điều 8): job-level language for all meets Điều 7 even with 45% certified
    a = with_counts(20, language_certificate=9, language_meets_job=20, collective_title="tap-the-lao-dong-tien-tien")
    assert a.indicator("2.4").level == Level.LEVEL_2 and a.indicator("2.4").meets == (False, True)
    assert a.criteria[1].level == Level.LEVEL_2 and a.unit_level == Level.LEVEL_2
    # …but a unit that meets Điều 7 in 2.4 and not elsewhere meets neither article
    a = with_counts(20, language_certificate=9, language_meets_job=20, digital_training=18)
    assert a.indicator("2.3").level == Level.LEVEL_1 and a.criteria[1].level == Level.NOT_MET
    assert a.unit_level == Level.NOT_MET
    cumulative = CAT.model_copy(update={"cumulative_levels": True})
    data = dict(BASE, staff=None, staff_counts={"total": 20, "discipline": 20, "training_completed": 20, "digital_training": 20,
                "language_certificate": 9, "language_meets_job": 20, "advanced_worker": 20, "learning_citizen": 20})
    assert evaluate(DossierInput.model_validate(data), cumulative).indicator("2.4").level == Level.NOT_MET


def test_titles_count_or_higher():
    people = [person(emulation_title="chien-si-thi-dua-co-so")] * 10 + [person()] * 8 + [person(emulation_title="hoan-thanh-nhiem-vu")] * 2
    r = with_roster(people).indicator("2.5")
    assert (r.checks[0].numerator, r.checks[0].denominator) == (18, 20) and r.level == Level.LEVEL_1
    people[-1] = person(emulation_title="chien-si-thi-dua-toan-quoc")
    assert with_roster(people).indicator("2.5").level == Level.LEVEL_2


# Điều 6 and Điều 7 khoản 3 điểm c: “Tập thể lao động tiên tiến” trở lên at both levels
@pytest.mark.parametrize("title, level", [("khong", Level.NOT_MET), ("tap-the-lao-dong-tien-tien", Level.LEVEL_2),
                                          ("tap-the-lao-dong-xuat-sac", Level.LEVEL_2), ("co-thi-dua", Level.LEVEL_2)])
def test_collective_title_or_higher(title, level):
    assert with_counts(20, collective_title=title).indicator("3.3").level == level


def test_not_applicable_indicators_are_out_of_every_count():
    a = with_counts(20)
    assert [i.code for i in a.not_applicable] == ["3.4", "3.5"]
    assert a.indicator("3.4").label == "Không áp dụng"
    assert a.indicator_tally.total == 13 and sum(a.indicator_tally.counts) == 13
    assert a.criteria[2].level == Level.LEVEL_2  # 3.4/3.5 do not pull criterion 3 down


def test_one_indicator_holds_its_criterion_and_the_unit_down():
    data = dict(BASE)
    data["indicators"] = dict(BASE["indicators"], **{"1.3": dict(BASE["indicators"]["1.3"], met=False)})
    a = evaluate(DossierInput.model_validate(data), CAT)
    assert a.indicator("1.3").level == Level.NOT_MET
    assert a.criteria[0].level == Level.NOT_MET and a.unit_level == Level.NOT_MET
    assert a.criteria[0].count(Level.LEVEL_2) == 4 and a.criteria[0].count(Level.NOT_MET) == 1
    assert a.criterion_tally.counts == (1, 1, 1)


def test_all_level_two():
    a = with_counts(20, collective_title="tap-the-lao-dong-xuat-sac")
    assert a.unit_level == Level.LEVEL_2 and a.indicator_tally.counts == (0, 0, 13)
    assert a.indicator_tally.percent(Level.LEVEL_2) == "100%"


def test_example_matches_readme():
    _, a = assess_file(EXAMPLE)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- example-verdicts -->")[1].split("<!-- /example-verdicts -->")[0]
    claimed = dict(re.findall(r"^\|\s*(\d\.\d)\s*\|[^|]*\|\s*([^|]+?)\s*\|$", block, re.M))
    assert claimed == {i.code: i.label for i in a.indicators}
    unit = re.search(r"đơn vị: \*\*(.+?)\*\*", block).group(1)
    assert unit == a.unit_level.label
    assert a.unit_level == Level.LEVEL_1
    assert [c.level for c in a.criteria] == [Level.LEVEL_2, Level.LEVEL_1, Level.LEVEL_2]
    assert a.indicator("3.3").level == Level.LEVEL_2  # a UBND xã with Tập thể lao động tiên tiến (Điều 7.3.c)


def test_declared_level_contradicted_by_data(write_input):
    text = edit(EXAMPLE_TEXT, "    assessors: [anh, ha]\n    declared_level: muc-2", "    assessors: [anh, ha]\n    declared_level: muc-1")
    with pytest.raises(InputError) as exc:
        assess_file(write_input(text))
    [p] = exc.value.problems
    assert p.field == 'indicators."3.3".declared_level'
    assert p.line == line_of(text, "    assessors: [anh, ha]\n    declared_level: muc-1") + 1
    assert "khai “Đạt Mức độ 1” nhưng số liệu cho “Đạt Mức độ 2”" in p.message
    assert "Tập thể lao động tiên tiến" in p.message


def test_declared_level_against_percentages(write_input):
    text = edit(EXAMPLE_TEXT, "    assessors: [ha, lan]\n    declared_level: muc-2", "    assessors: [ha, lan]\n    declared_level: khong-dat")
    with pytest.raises(InputError) as exc:
        assess_file(write_input(text))
    assert "30/30" in exc.value.problems[0].message and "100%" in exc.value.problems[0].message


@pytest.mark.parametrize("part, whole, thresholds, shown", [
    (29, 30, (90, 95), "96,7%"), (28, 30, (90, 95), "93,3%"), (18, 20, (90,), "90%"),
    (35, 39, (90,), "89,7%"), (8997, 10000, (90,), "89,9%"), (9497, 10000, (90, 95), "94,9%"),
    (2, 3, (), "66,7%"), (1, 8, (), "12,5%"),
])
def test_percent_beside_verdict_never_contradicts_it(part, whole, thresholds, shown):
    assert percent_beside(part, whole, tuple(Fraction(t) for t in thresholds)) == shown


def test_percent_share_decimal_comma():
    assert (percent_share(4, 13), percent_share(9, 13), percent_share(2, 3), percent_share(0, 13)) == ("30,8%", "69,2%", "66,7%", "0%")


def test_evaluate_imports_no_document_library():
    tree = ast.parse((ROOT / "pipeline" / "rules" / "evaluate.py").read_text(encoding="utf-8"))
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not [m for m in names if m.split(".")[0] in {"docx", "docxtpl", "jinja2", "lxml"} or "render" in m]
    code = "import sys, pipeline.rules.evaluate; print([m for m in sys.modules if m.split('.')[0] in ('docx','docxtpl','jinja2','lxml')])"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True).stdout.strip() == "[]"


def test_cli_evaluate_prints_the_verdict_table():
    res = run_cli("evaluate", "inputs/quang-phu/2024.yaml")
    assert res.returncode == 0, res.stderr
    assert "28/30" in res.stdout and "93,3%" in res.stdout
    assert "3.4   Không áp dụng" in res.stdout
    assert "ĐẠT MỨC ĐỘ 1" in res.stdout


def test_second_catalogue_is_data_only(tmp_path, monkeypatch):
    import pipeline.criteria as criteria

    text = (criteria.CATALOGUE_DIR / "tt24-2023.yaml").read_text(encoding="utf-8")
    text = text.replace("id: tt24-2023", "id: tt24-sua-doi").replace("{fact: discipline, min_percent: 95}", "{fact: discipline, min_percent: 97.5}")
    (tmp_path / "tt24-sua-doi.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(criteria, "CATALOGUE_DIR", tmp_path)
    criteria.load_catalogue.cache_clear()
    try:
        cat = criteria.load_catalogue("tt24-sua-doi")
        model = DossierInput.model_validate(dict(BASE, regulation="tt24-sua-doi", staff=None, staff_counts={
            "total": 40, "discipline": 39, "training_completed": 40, "digital_training": 40, "language_certificate": 40,
            "language_meets_job": 40, "advanced_worker": 40, "learning_citizen": 40}))
        assert evaluate(model, cat).indicator("2.1").level == Level.LEVEL_2  # 39/40 = 97,5% exactly
        model = model.model_copy(update={"staff_counts": model.staff_counts.model_copy(update={"discipline": 38})})
        assert evaluate(model, cat).indicator("2.1").level == Level.LEVEL_1
    finally:
        criteria.load_catalogue.cache_clear()


def test_every_catalogue_reads_the_same_with_libyaml_and_pure_python():
    import yaml

    from pipeline.criteria import CATALOGUE_DIR, available, read_yaml

    for regulation in available():
        path = CATALOGUE_DIR / f"{regulation}.yaml"
        assert read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), regulation


# ---------------------------------------------------------------- Điều 9 khoản 3: no suitable evidence, not met

def with_evidence(code, items, data=None):
    data = dict(data or BASE)
    data["indicators"] = dict(data["indicators"], **{code: dict(data["indicators"][code], evidence=items)})
    return evaluate(DossierInput.model_validate(data), CAT)


@pytest.mark.parametrize("code", ["1.3", "2.1", "3.1", "3.3"])
def test_an_indicator_without_evidence_is_not_met_whatever_its_figures(code):
    before = evaluate(DossierInput.model_validate(BASE), CAT).indicator(code)
    assert before.level != Level.NOT_MET
    a = with_evidence(code, [])
    r = a.indicator(code)
    assert r.level == Level.NOT_MET and r.no_evidence
    assert r.why_not[0].startswith("Không có minh chứng phù hợp") and "Điều 9 khoản 3" in r.why_not[0]
    assert a.unit_level == Level.NOT_MET
    assert a.criteria[int(code[0]) - 1].level == Level.NOT_MET


@pytest.mark.parametrize("item, suitable", [
    ({"title": "Kế hoạch học tập"}, False),
    ({"title": "Kế hoạch học tập", "issuer": "UBND xã"}, False),
    ({"title": "Kế hoạch học tập", "number": "05/KH-UBND"}, True),
    ({"title": "Kế hoạch học tập", "date": "05/02/2024"}, True),
])
def test_what_makes_an_item_suitable(item, suitable):
    r = with_evidence("1.1", [item]).indicator("1.1")
    assert (r.level == Level.LEVEL_2) is suitable
    assert r.no_evidence is not suitable


def test_one_suitable_item_among_unsuitable_ones_is_enough():
    r = with_evidence("1.1", [{"title": "Ảnh hoạt động"}, {"title": "Kế hoạch", "number": "05/KH-UBND"}]).indicator("1.1")
    assert r.level == Level.LEVEL_2 and not r.why_not


def test_validate_names_the_indicator_without_evidence_and_strict_refuses(write_input):
    text = EXAMPLE_TEXT
    start = text.index('  "1.3":')
    ev, end = text.index("    evidence:", start), text.index("    strengths:", start)
    text = text[:ev] + "    evidence: []\n" + text[end:]
    path = write_input(text)
    loaded, a = assess_file(path)
    assert a.indicator("1.3").level == Level.NOT_MET
    [w] = [p for p in loaded.warnings if "minh chứng" in p.message]
    assert w.warning and w.field == 'indicators."1.3"' and w.line == line_of(text, '  "1.3":')
    assert "KHÔNG ĐẠT" in w.message and "Điều 9 khoản 3" in w.message and "title" in w.message
    with pytest.raises(InputError) as exc:
        assess_file(path, strict=True)
    assert any("minh chứng" in p.message for p in exc.value.problems)


def test_an_item_that_does_not_count_is_named(write_input):
    text = edit(EXAMPLE_TEXT, "        number: 201/BC-UBND\n        date: 12/12/2024\n", "")
    loaded, a = assess_file(write_input(text))
    assert a.indicator("2.4").level == Level.NOT_MET
    named = [p for p in loaded.warnings if "không được tính là minh chứng phù hợp" in p.message]
    assert len(named) == 1 and named[0].field == 'indicators."2.4".evidence[1]'


def test_level_two_text_that_does_not_concern_the_unit_asks_nothing_at_level_two():
    """A Mức độ 2 text that concerns other kinds (as 3.3's concerns state bodies) asks nothing of the unit there."""
    crit = CAT.criteria[2]
    spec = crit.indicators[2].model_copy(update={"applies_to_level2": ["co-quan"]})
    cat = CAT.model_copy(update={"criteria": [*CAT.criteria[:2], crit.model_copy(update={
        "indicators": [*crit.indicators[:2], spec, *crit.indicators[3:]]})]})
    data = dict(BASE, collective_title="tap-the-lao-dong-tien-tien")
    r = evaluate(DossierInput.model_validate(data), cat).indicator("3.3")
    assert r.level == Level.LEVEL_2 and "không đặt yêu cầu này" in r.checks[-1].text
    r = evaluate(DossierInput.model_validate(dict(data, collective_title="khong")), cat).indicator("3.3")
    assert r.meets == (False, True)  # Điều 6's 3.3 is not met; Điều 7 asks this unit nothing under 3.3


# ---------------------------------------------------------------- Điều 5: which request the Tờ trình makes

from pipeline.rules import recognition as rec  # noqa: E402


def plan_for(recognitions, reached=Level.LEVEL_1, request_date="09/01/2025"):
    data = dict(BASE, recognitions=recognitions, request=dict(BASE["request"], date=request_date))
    return rec.plan(DossierInput.model_validate(data), reached, CAT)


def test_first_request_cites_nothing():
    p = plan_for([])
    assert p.kind == "lan-dau" and p.request_words == "công nhận" and p.earlier is None and not p.blocked


def test_recognition_is_kept_36_months_after_the_year_recognised():
    r2021 = {"decision": "50/QĐ-UBND", "date": "10/02/2022", "level": "muc-1"}  # recognises 2021: kept to 31/12/2024
    p = plan_for([r2021])
    assert p.kind == "cong-nhan-lai" and p.earlier_until.isoformat() == "2024-12-31"
    assert "công nhận lại" == p.request_words and "50/QĐ-UBND" in p.earlier_line("cấp huyện")
    p = plan_for([r2021], request_date="31/12/2024")
    assert p.kind == "con-hieu-luc"
    p = plan_for([dict(r2021, year=2022)])  # recognised year given: kept to 31/12/2025
    assert p.kind == "con-hieu-luc" and p.earlier_until.isoformat() == "2025-12-31"


def test_level_two_only_twelve_months_after_the_level_one_decision():
    r = {"decision": "12/QĐ-UBND", "date": "20/01/2024", "level": "muc-1"}
    p = plan_for([r], Level.LEVEL_2)
    # Bộ luật Dân sự Điều 147–148: 12 months from 20/01/2024 end with 20/01/2025; “sau” is from 21/01/2025
    assert p.kind == "nang-muc-do" and p.blocked and p.allowed_from.isoformat() == "2025-01-21"
    assert "21/01/2025" in p.refusal() and "12/QĐ-UBND" in p.refusal()
    assert plan_for([r], Level.LEVEL_2, request_date="20/01/2025").blocked
    p = plan_for([r], Level.LEVEL_2, request_date="21/01/2025")
    assert p.kind == "nang-muc-do" and not p.blocked and p.request_words == "công nhận nâng mức độ"
    leap = plan_for([dict(r, date="29/02/2024")], Level.LEVEL_2, request_date="28/02/2025")
    assert leap.blocked and leap.allowed_from.isoformat() == "2025-03-01"


def test_twelve_months_from_the_29th_of_february():
    assert rec.add_months(__import__("datetime").date(2024, 2, 29), 12).isoformat() == "2025-02-28"
    assert rec.add_months(__import__("datetime").date(2024, 1, 31), 1).isoformat() == "2024-02-29"


def test_a_request_while_the_same_level_is_kept_is_a_warning(write_input):
    text = EXAMPLE_TEXT + "\nrecognitions:\n  - decision: 30/QĐ-UBND\n    date: 05/02/2024\n    level: muc-1\n"
    loaded, _ = assess_file(write_input(text))
    [w] = [p for p in loaded.warnings if "bảo lưu" in p.message]
    assert "31/12/2026" in w.message and w.field == "recognitions[1]"


def test_an_early_level_two_request_makes_no_request_but_the_report(write_input, tmp_path):
    from pipeline.documents import to_trinh
    from pipeline.documents.common import Dossier

    text = EXAMPLE_TEXT + "\nrecognitions:\n  - decision: 30/QĐ-UBND\n    date: 05/02/2024\n    level: muc-1\n"
    data, *_ = parse(text, "x")
    data = dict(data, staff=None, collective_title="tap-the-lao-dong-tien-tien",
                staff_counts={"total": 20, **{f: 20 for f in ["discipline", "training_completed", "digital_training",
                              "language_certificate", "language_meets_job", "advanced_worker", "learning_citizen"]}})
    data["indicators"] = {k: {kk: vv for kk, vv in v.items() if kk != "declared_level"} for k, v in data["indicators"].items()}
    model = DossierInput.model_validate(data)
    a = evaluate(model, CAT)
    assert a.unit_level == Level.LEVEL_2
    d = Dossier(model, a, CAT)
    why = to_trinh.skip(d)
    assert why and "06/02/2025" in why and "nâng mức độ" in why
    data["request"] = dict(data["request"], date="06/02/2025")
    d = Dossier(DossierInput.model_validate(data), a, CAT)
    assert to_trinh.skip(d) is None
    ctx = to_trinh.context(d, {"criteria_lines": [], "tally_lines": []})["request"]
    assert ctx["subject"].startswith("Về việc đề nghị công nhận nâng mức độ “Đơn vị học tập” cấp huyện Mức độ 2")
    assert "30/QĐ-UBND ngày 05/02/2024" in ctx["earlier"] and "từ Mức độ 1 lên Mức độ 2" in ctx["ask"]


def test_a_declared_level_is_the_contents_and_missing_evidence_is_said_apart(write_input):
    """The team declares what the content reaches; with no evidence the indicator is Không đạt with a warning,
    not a contradiction that stops the run."""
    start = EXAMPLE_TEXT.index('  "3.3":')
    ev, end = EXAMPLE_TEXT.index("    evidence:", start), EXAMPLE_TEXT.index("    strengths:", start)
    text = EXAMPLE_TEXT[:ev] + "    evidence: []\n" + EXAMPLE_TEXT[end:]
    loaded, a = assess_file(write_input(text))
    assert a.indicator("3.3").level == Level.NOT_MET and a.indicator("3.3").content_level == Level.LEVEL_2
    assert any("3.3" in w.message and "KHÔNG ĐẠT" in w.message for w in loaded.warnings)


def test_a_recognition_that_recognised_nothing_is_refused(write_input):
    text = EXAMPLE_TEXT + "\nrecognitions:\n  - decision: 30/QĐ-UBND\n    date: 05/02/2024\n    level: khong-dat\n"
    with pytest.raises(InputError) as exc:
        assess_file(write_input(text))
    [p] = exc.value.problems
    assert p.field == "recognitions[1].level" and "muc-1" in p.message


def test_an_empty_text_is_not_called_a_list(write_input):
    text = edit(EXAMPLE_TEXT, "  short_name: UBND xã Quảng Phú", '  short_name: ""')
    with pytest.raises(InputError) as exc:
        assess_file(write_input(text))
    [p] = exc.value.problems
    assert p.field == "unit.short_name" and p.message == "không được để trống"


# ---------------------------------------------------------------- schools and other kinds (issue 26)

THCS = ROOT / "inputs" / "thcs-quang-phu" / "2024.yaml"
THPT = ROOT / "inputs" / "thpt-tam-giang" / "2024.yaml"
THPT_BASE, *_ = parse(THPT.read_text(encoding="utf-8"), "thpt")
TINH = load_catalogue("tt24-2023", "cap-tinh")


def _readme_table(marker):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(f"<!-- {marker} -->")[1].split(f"<!-- /{marker} -->")[0]
    claimed = dict(re.findall(r"^\|\s*(\d\.\d)\s*\|[^|]*\|\s*([^|]+?)\s*\|$", block, re.M))
    return claimed, re.search(r"đơn vị: \*\*(.+?)\*\*", block).group(1)


@pytest.mark.parametrize("path, marker", [(THCS, "thcs-verdicts"), (THPT, "thpt-verdicts")])
def test_school_examples_match_readme(path, marker):
    _, a = assess_file(path)
    claimed, unit = _readme_table(marker)
    assert claimed == {i.code: i.label for i in a.indicators}
    assert unit == a.unit_level.label


def test_thcs_example_by_hand():
    """42 staff: 2.5 is 38/42 = 90,5% (Mức độ 1); 3.4 “mức đáp ứng cơ bản” (Mức độ 1); pupils are not Người học."""
    _, a = assess_file(THCS)
    assert a.unit_level == Level.LEVEL_1 and [c.level for c in a.criteria] == [Level.LEVEL_2, Level.LEVEL_1, Level.LEVEL_1]
    assert a.indicator("2.5").level == Level.LEVEL_1 and a.indicator("3.4").level == Level.LEVEL_1
    assert not a.indicator("3.5").applicable
    assert not any(c.fact == "learners" for c in a.indicator("3.1").checks)
    assert [i.code for i in a.indicators][-1] == "3.5"  # cấp huyện: five indicators in Tiêu chí 3


def test_thpt_example_by_hand():
    """75 staff at 97,3% but 1215/1260 = 96,4% of learners: 3.1 is Mức độ 1, and so is the unit."""
    _, a = assess_file(THPT)
    r = a.indicator("3.1")
    assert r.level == Level.LEVEL_1
    assert [(c.numerator, c.denominator, c.met) for c in r.checks if c.fact == "learners"] == [(1215, 1260, True), (1215, 1260, False)]
    assert [(c.numerator, c.met) for c in r.checks if c.fact == "learning_citizen"] == [(73, True), (73, True)]
    assert a.unit_level == Level.LEVEL_1 and [c.level for c in a.criteria] == [Level.LEVEL_2, Level.LEVEL_2, Level.LEVEL_1]
    assert [i.code for i in a.indicators][-3:] == ["3.4", "3.5", "3.6"]
    assert a.indicator("3.4").level == Level.LEVEL_2
    assert not a.indicator("3.5").applicable and not a.indicator("3.6").applicable


def thpt(**changes):
    data = dict(THPT_BASE)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return evaluate(DossierInput.model_validate(data), TINH)


@pytest.mark.parametrize("learning, total, expected", [
    (1197, 1260, Level.LEVEL_1),    # 95% exactly
    (1196, 1260, Level.NOT_MET),    # 94,92%
    (1223, 1260, Level.LEVEL_2),    # 97,06%
    (1222, 1260, Level.LEVEL_1),    # 96,98%: never “97%”
    (97, 100, Level.LEVEL_2), (95, 100, Level.LEVEL_1), (94, 100, Level.NOT_MET),
])
def test_learners_share_of_31_is_exact(learning, total, expected):
    r = thpt(learners={"total": total, "learning_citizens": learning}).indicator("3.1")
    assert r.level == expected
    if expected == Level.LEVEL_1 and learning == 1222:
        assert "96,9%" in r.figures


def test_learners_and_staff_both_count():
    """Staff below 90% fails 3.1 whatever the learners; learners below 95% fail it whatever the staff."""
    staff = dict(THPT_BASE["staff_counts"], learning_citizen=67)  # 67/75 = 89,3%
    assert thpt(staff_counts=staff, learners={"total": 100, "learning_citizens": 100}).indicator("3.1").level == Level.NOT_MET
    assert thpt(learners={"total": 100, "learning_citizens": 90}).indicator("3.1").level == Level.NOT_MET


@pytest.mark.parametrize("held, expected", [("chua-dap-ung", Level.NOT_MET), ("co-ban", Level.LEVEL_1), ("tot", Level.LEVEL_2),
                                            ("Mức đáp ứng cơ bản", Level.LEVEL_1), ("mức đáp ứng tốt", Level.LEVEL_2)])
def test_digital_level_of_34(held, expected):
    r = thpt(digital_transformation=held).indicator("3.4")
    assert r.level == expected
    assert "Quyết định số 4725/QĐ-BGDĐT" in r.figures


def test_digital_level_of_a_university_is_35_under_4740():
    data = dict(THPT_BASE, unit=dict(THPT_BASE["unit"], kind="dai-hoc"), digital_transformation="co-ban")
    data["indicators"] = dict(data["indicators"])
    data["indicators"]["3.5"] = data["indicators"].pop("3.4")
    a = evaluate(DossierInput.model_validate(data), TINH)
    assert not a.indicator("3.4").applicable and a.indicator("3.5").level == Level.LEVEL_1
    assert "4740/QĐ-BGDĐT" in a.indicator("3.5").figures


def vocational(level, accreditation, code):
    cat = load_catalogue("tt24-2023", level)
    data = dict(THPT_BASE, unit=dict(THPT_BASE["unit"], kind="co-so-gdnn", level=level), vocational_accreditation=accreditation)
    data.pop("digital_transformation")
    data["indicators"] = dict(data["indicators"])
    data["indicators"][code] = data["indicators"].pop("3.4")
    return evaluate(DossierInput.model_validate(data), cat).indicator(code)


@pytest.mark.parametrize("level, code", [("cap-huyen", "3.5"), ("cap-tinh", "3.6")])
@pytest.mark.parametrize("accreditation, expected", [
    ({"accredited": True, "certificate": "15/GCN-KĐCL", "date": "10/05/2022", "valid_until": "10/05/2027"}, Level.LEVEL_2),
    ({"accredited": True, "date": "10/05/2020", "valid_until": "31/12/2024"}, Level.LEVEL_2),   # in force on 31/12
    ({"accredited": True, "date": "10/05/2019", "valid_until": "30/12/2024"}, Level.NOT_MET),  # expired the day before
    ({"accredited": True, "date": "05/01/2025", "valid_until": "05/01/2030"}, Level.NOT_MET),  # after the year
    ({"accredited": False}, Level.NOT_MET),
    ({"accredited": "không"}, Level.NOT_MET),
])
def test_vocational_accreditation_in_force_on_31_december(level, code, accreditation, expected):
    r = vocational(level, accreditation, code)
    assert r.level == expected
    assert "kiểm định chất lượng giáo dục nghề nghiệp" in r.figures


def huyen(kind, **changes):
    data = dict(BASE, unit=dict(BASE["unit"], kind=kind, level="cap-huyen"), **changes)
    return evaluate(DossierInput.model_validate(data), CAT)


def test_an_enterprise_has_no_13_no_24_and_no_level_2_requirement_in_33():
    a = huyen("doanh-nghiep")
    assert not a.indicator("1.3").applicable and not a.indicator("2.4").applicable
    r = a.indicator("3.3")
    assert r.level == Level.LEVEL_2 and "không đặt yêu cầu này đối với doanh nghiệp" in r.figures
    # Điều 8, each level by its own article: Điều 6's 3.3 is not met, Điều 7's asks an enterprise nothing
    assert huyen("doanh-nghiep", collective_title="khong").indicator("3.3").meets == (False, True)
    assert huyen("ubnd-xa", collective_title="khong").indicator("3.3").meets == (False, False)


def test_the_preschool_sentence_concerns_public_preschools_only():
    public, private = huyen("mam-non"), huyen("mam-non-tu-thuc")
    for code in ("1.2", "3.2"):
        assert "gồm cả nội dung đối với nhà trẻ, trường mẫu giáo, trường mầm non công lập" in public.indicator(code).figures
        assert "mầm non" not in private.indicator(code).figures
        assert "mầm non" not in huyen("ubnd-xa").indicator(code).figures
    assert not private.indicator("1.3").applicable and public.indicator("1.3").applicable


def test_existing_input_without_level_is_cap_huyen():
    from pipeline.criteria import catalogue_for, level_of

    model = DossierInput.model_validate(BASE)
    assert model.unit.level is None and level_of(model) == "cap-huyen" and catalogue_for(model).level == "cap-huyen"
    legacy = DossierInput.model_validate(dict(BASE, unit=dict(BASE["unit"], kind="co-quan")))
    assert level_of(legacy) == "cap-huyen"  # a code of the cấp-huyện-only catalogue keeps its level
    both = DossierInput.model_validate(dict(BASE, unit=dict(BASE["unit"], kind="doanh-nghiep")))
    assert level_of(both) is None  # two levels, none named: validation asks
    assert level_of(DossierInput.model_validate(THPT_BASE)) == "cap-tinh"


def test_who_receives_by_default_follows_the_level():
    """A cấp tỉnh unit that does not say who receives sends to the Sở and asks the Chủ tịch UBND tỉnh (Điều 11, 16);
    what the input says wins; cấp huyện keeps the Phòng and the Chủ tịch UBND huyện."""
    data = {k: v for k, v in THPT_BASE.items() if k != "recognition"}
    r = DossierInput.model_validate(data).recognition
    assert (r.scope, r.receiver, r.authority) == ("cấp tỉnh", "Sở Giáo dục và Đào tạo", "Chủ tịch Ủy ban nhân dân tỉnh")
    r = DossierInput.model_validate(dict(data, recognition={"receiver": "Sở Giáo dục và Đào tạo thành phố Huế"})).recognition
    assert r.receiver == "Sở Giáo dục và Đào tạo thành phố Huế" and r.scope == "cấp tỉnh"
    r = DossierInput.model_validate({k: v for k, v in BASE.items() if k != "recognition"}).recognition
    assert (r.scope, r.receiver) == ("cấp huyện", "Phòng Giáo dục và Đào tạo huyện")
