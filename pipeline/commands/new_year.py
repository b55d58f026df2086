"""`new-year`: next year's input from the unit's latest earlier year, edited round-trip
(`pipeline.sources.yaml_edit`): the officer's file stays as written — comments, order, line endings,
encoding — except the values that change with the year.

Kept: the unit, signers, who receives, the team's members, the roster's names and positions, assessors
and prose (a “năm 2024” in prose becomes “năm {nam}”, so it follows the year; free texts are written as
`|` blocks). Cleared and marked `CẦN ĐIỀN`: every yearly fact — the roster's yes/no facts and titles,
counts, the collective title, dates and numbers of the decision, the report and the request, the grounds
that cite last year's plans, the evidence, `met` and declared levels — so that `validate` lists exactly
what must be updated. Dates of an earlier year and last year's document numbers left in the prose are
warnings with their lines (`validate.carried_over`), printed by `new-year` and by `validate`."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.commands.new_unit import Exists, Refused
from pipeline.commands.scaffold import STAFF_FACTS
from pipeline.core.localgov import OFFICE_TEXTS, district_body, era
from pipeline.core.problems import PipelineError
from pipeline.rules.placeholders import text_fields
from pipeline.sources.files import is_unit_folder, kind_problem, year_files
from pipeline.sources.load import FILL


class NoEarlierYear(PipelineError):
    pass


def latest(folder: Path, before: int | None = None) -> Path:
    """The unit's latest year file (before `before`), by the one rule of what a year file is."""
    years = {y: p for y, p in year_files(folder).items() if before is None or y < before}
    if not years:
        raise NoEarlierYear(folder)
    year = max(years)
    if len(years[year]) > 1:
        raise Refused(f"{folder}: có cả {' và '.join(p.name for p in years[year])} cho năm {year}; giữ một tệp, xóa tệp kia")
    return years[year][0]


def _prose(text: str, old: int) -> str:
    return re.sub(rf"(?i)\b(năm)\s+{old}\b", lambda m: f"{m.group(1)} {{nam}}", text)


def carry(source: Path, year: int):
    """The source opened for editing with next year's edits made (not yet written)."""
    from pipeline.sources.load import load
    from pipeline.sources.yaml_edit import Block, load_for_edit

    model = load(source).model  # a source with errors is refused: fix it first
    doc = load_for_edit(source)
    old = model.year
    doc.set(("year",), year)
    dec = ("team", "decision")
    doc.set(dec + ("number",), FILL)
    doc.set(dec + ("date",), FILL)
    if doc.get(dec + ("grounds",)):
        doc.set(dec + ("grounds",), [FILL])
    for i, person in enumerate(doc.get(("staff",)) or []):
        for fact in STAFF_FACTS:
            if isinstance(person, dict) and fact in person:
                doc.set(("staff", i, fact), FILL)
    for key in doc.get(("staff_counts",)) or {}:
        doc.set(("staff_counts", key), FILL)
    doc.set(("collective_title",), FILL)
    for key in doc.get(("learners",)) or {}:
        doc.set(("learners", key), FILL)
    if doc.get(("digital_transformation",)) is not None:
        doc.set(("digital_transformation",), FILL)  # the certificate of accreditation lasts years: carried, checked at 31/12
    for path, _ in text_fields(model):
        text = doc.get(path)
        if not isinstance(text, str) or not text.strip():
            continue
        new = _prose(text, old)
        if new != text or doc.source_of(path) is not None and not _is_block(doc.source_of(path)):
            doc.set(path, Block(new))  # every free text a `|` block: `#`, `:` and quotes stay literal
    for code, ind in (doc.get(("indicators",)) or {}).items():
        base = ("indicators", code)
        if "met" in ind:
            doc.set(base + ("met",), FILL)
        if "declared_level" in ind:
            doc.set(base + ("declared_level",), FILL)
        blank = [{"title": FILL, "number": FILL, "date": FILL, "issuer": FILL}]
        if "evidence" in ind:
            doc.set(base + ("evidence",), blank)
        else:
            doc.add(base, "evidence", blank)
    for part, cleared in (("report", ("sheets_date", "summary_date")), ("request", ())):
        doc.set((part, "number"), "") if doc.has((part, "number")) else None
        doc.set((part, "date"), FILL)
        for key in cleared:
            if doc.has((part, key)):
                doc.set((part, key), FILL)
    if doc.get(("request", "grounds")):
        doc.set(("request", "grounds"), [FILL])
    if era(year=old) == "before" and era(year=year) == "after":
        _across_reform(doc)
    return doc


def _across_reform(doc) -> None:
    """Last year's file was made before 01/07/2025, this one after: a field naming a district-level body is not
    carried but marked CẦN ĐIỀN, and the decision's offices of the old commune become the new ones."""
    def named(path) -> bool:
        text = doc.get(path)
        return isinstance(text, str) and district_body(text) is not None

    if not doc.has(("recognition",)):  # the defaults name the district's bodies
        doc.add((), "recognition", {"scope": FILL, "receiver": FILL, "authority": FILL})
    for key in ("receiver", "authority"):
        if named(("recognition", key)):
            doc.set(("recognition", key), FILL)
    scope = doc.get(("recognition", "scope"))
    if isinstance(scope, str) and "huyện" in scope.casefold():
        doc.set(("recognition", "scope"), FILL)
    if named(("unit", "parent_agency")):
        doc.set(("unit", "parent_agency"), FILL)
    for part in (("request",), ("report",), ("team", "decision")):
        for key in ("recipients",):  # the grounds are cleared with the year's facts already
            items = doc.get(part + (key,)) or []
            if any(isinstance(x, str) and district_body(x) for x in items):
                doc.set(part + (key,), [FILL if isinstance(x, str) and district_body(x) else x for x in items])
    dec = ("team", "decision")
    for key in ("proposer", "executors"):
        value = doc.get(dec + (key,))
        if not doc.has(dec + (key,)):
            doc.add(dec, key, OFFICE_TEXTS["after"][key])
        elif not value or value == OFFICE_TEXTS["before"][key]:
            doc.set(dec + (key,), OFFICE_TEXTS["after"][key])
        elif named(dec + (key,)):
            doc.set(dec + (key,), FILL)


def _is_block(source: str) -> bool:
    return bool(re.match(r"(?:[&!]\S*\s+)*[|>]", source))


def new_year(inputs: Path, slug: str, year: int) -> tuple[Path, Path]:
    """Write inputs/<slug>/<year>.yaml from the unit's latest earlier year; refuses to overwrite and what
    `validate` would refuse. (new, source)."""
    from pipeline.rules.validate import year_problem

    if not is_unit_folder(slug):
        raise Refused(f"“{slug}” không phải tên thư mục đơn vị trong {inputs}/ (chỉ chữ thường không dấu, số và “-”, "
                      "ví dụ quang-phu)")
    folder = inputs / slug
    if not folder.is_dir():
        raise NoEarlierYear(folder)
    why = year_problem(year)
    if why:
        raise Refused(why)
    existing = year_files(folder)
    if year in existing:
        raise Exists(existing[year][0])
    try:
        source = latest(folder, before=year)
    except NoEarlierYear:
        if existing:
            raise Refused(f"năm {year} trước mọi năm đã có của đơn vị ({', '.join(str(y) for y in sorted(existing))}); "
                          "năm mới phải sau năm được chép") from None
        raise
    problem = kind_problem(source, inputs)  # a link leaving inputs/ is never read: nothing of it may be echoed
    if problem:
        from pipeline.core.problems import InputError, Problem

        raise InputError([Problem(str(source), None, "", problem.removeprefix(f"{source}: "))])
    doc = carry(source, year)
    target = folder / f"{year}.yaml"
    doc.save_as(target)
    return target, source


def left_in_prose(target: Path, source: Path) -> list:
    """The warnings `validate` gives the new file for dates and numbers its prose carried from the source."""
    from pipeline.rules.validate import carried_in_file

    return carried_in_file(target)
