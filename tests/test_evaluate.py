"""Stage 3 — evaluate: every verdict from the data, exactly, with hand-computed expectations."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from fractions import Fraction

import pytest

from conftest import EXAMPLE, EXAMPLE_TEXT, ROOT, edit, line_of, run_cli
from pipeline.assess import assess_file
from pipeline.criteria import load_catalogue
from pipeline.evaluate import evaluate, reaches
from pipeline.formatting import percent_beside, percent_share
from pipeline.load import parse
from pipeline.model import DossierInput
from pipeline.problems import InputError
from pipeline.vocab import Level

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
    # levels are cumulative: job-level language for all, but certificates for only 45%
    assert with_counts(20, language_certificate=9, language_meets_job=20).indicator("2.4").level == Level.NOT_MET


def test_titles_count_or_higher():
    people = [person(emulation_title="chien-si-thi-dua-co-so")] * 10 + [person()] * 8 + [person(emulation_title="hoan-thanh-nhiem-vu")] * 2
    r = with_roster(people).indicator("2.5")
    assert (r.checks[0].numerator, r.checks[0].denominator) == (18, 20) and r.level == Level.LEVEL_1
    people[-1] = person(emulation_title="chien-si-thi-dua-toan-quoc")
    assert with_roster(people).indicator("2.5").level == Level.LEVEL_2


@pytest.mark.parametrize("title, level", [("khong", Level.NOT_MET), ("tap-the-lao-dong-tien-tien", Level.LEVEL_1),
                                          ("tap-the-lao-dong-xuat-sac", Level.LEVEL_2), ("co-thi-dua", Level.LEVEL_2)])
def test_collective_title_or_higher(title, level):
    assert with_counts(20, collective_title=title).indicator("3.3").level == level


def test_not_applicable_indicators_are_out_of_every_count():
    a = with_counts(20)
    assert [i.code for i in a.not_applicable] == ["3.4", "3.5"]
    assert a.indicator("3.4").label == "Không áp dụng"
    assert a.indicator_tally.total == 13 and sum(a.indicator_tally.counts) == 13
    assert a.criteria[2].level == Level.LEVEL_1  # 3.4/3.5 do not pull criterion 3 down


def test_one_indicator_holds_its_criterion_and_the_unit_down():
    data = dict(BASE)
    data["indicators"] = dict(BASE["indicators"], **{"1.3": dict(BASE["indicators"]["1.3"], met=False)})
    a = evaluate(DossierInput.model_validate(data), CAT)
    assert a.indicator("1.3").level == Level.NOT_MET
    assert a.criteria[0].level == Level.NOT_MET and a.unit_level == Level.NOT_MET
    assert a.criteria[0].count(Level.LEVEL_2) == 4 and a.criteria[0].count(Level.NOT_MET) == 1
    assert a.criterion_tally.counts == (1, 2, 0)


def test_all_level_two():
    a = with_counts(20, collective_title="tap-the-lao-dong-xuat-sac")
    assert a.unit_level == Level.LEVEL_2 and a.indicator_tally.counts == (0, 0, 13)
    assert a.indicator_tally.percent(Level.LEVEL_2) == "100%"


def test_example_matches_readme():
    _, a = assess_file(EXAMPLE)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- example-verdicts -->")[1]
    claimed = dict(re.findall(r"^\|\s*(\d\.\d)\s*\|[^|]*\|\s*([^|]+?)\s*\|$", block, re.M))
    assert claimed == {i.code: i.label for i in a.indicators}
    unit = re.search(r"đơn vị: \*\*(.+?)\*\*", block).group(1)
    assert unit == a.unit_level.label
    assert a.unit_level == Level.LEVEL_1
    assert [c.level for c in a.criteria] == [Level.LEVEL_2, Level.LEVEL_1, Level.LEVEL_1]


def test_declared_level_contradicted_by_data(write_input):
    text = edit(EXAMPLE_TEXT, "    assessors: [anh, ha]\n    declared_level: muc-1", "    assessors: [anh, ha]\n    declared_level: muc-2")
    with pytest.raises(InputError) as exc:
        assess_file(write_input(text))
    [p] = exc.value.problems
    assert p.field == 'indicators."3.3".declared_level' and p.line == line_of(text, "declared_level: muc-2", 3)
    assert "“Đạt Mức độ 2”" in p.message and "“Đạt Mức độ 1”" in p.message
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
    tree = ast.parse((ROOT / "pipeline" / "evaluate.py").read_text(encoding="utf-8"))
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not [m for m in names if m.split(".")[0] in {"docx", "docxtpl", "jinja2", "lxml"} or "render" in m]
    code = "import sys, pipeline.evaluate; print([m for m in sys.modules if m.split('.')[0] in ('docx','docxtpl','jinja2','lxml')])"
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
