"""`new-year`: next year's input from the latest one. Kept: the unit, signers, who receives, the team's
members, the roster's names and positions, assessors and prose (a “năm 2024” in prose becomes
“năm {nam}”, so it follows the year). Cleared and marked `CẦN ĐIỀN`: every yearly fact — the roster's
yes/no facts and titles, counts, the collective title, dates and numbers of the decision, the report
and the request, the grounds that cite last year's plans, the evidence, `met` and declared levels —
so that `validate` lists exactly what must be updated."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.commands.scaffold import STAFF_FACTS, write
from pipeline.criteria import load_catalogue
from pipeline.load import FILL, load
from pipeline.localgov import OFFICE_TEXTS, district_body, era
from pipeline.placeholders import text_fields


class NoEarlierYear(Exception):
    pass


def latest(folder: Path) -> Path:
    years = sorted(p for p in folder.glob("*.yaml") if re.fullmatch(r"\d{4}", p.stem))
    if not years:
        raise NoEarlierYear(folder)
    return years[-1]


def _prose(text: str, old: int) -> str:
    return re.sub(rf"(?i)\b(năm)\s+{old}\b", lambda m: f"{m.group(1)} {{nam}}", text)


def carried(source: Path, year: int) -> dict:
    model = load(source).model
    d = model.model_dump(mode="python", exclude_none=True)
    old = model.year
    d["year"] = year
    dec = d["team"]["decision"]
    dec["number"], dec["date"] = FILL, FILL
    dec["grounds"] = [FILL] if dec.get("grounds") else []
    if d.get("staff") is not None:
        for person in d["staff"]:
            for fact in STAFF_FACTS:
                person[fact] = FILL
    if d.get("staff_counts") is not None:
        d["staff_counts"] = {k: FILL for k in d["staff_counts"]}
    d["collective_title"] = FILL
    for path, text in text_fields(model):
        node = d
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = _prose(text, old)
    for ind in d["indicators"].values():
        if "met" in ind:
            ind["met"] = FILL
        if "declared_level" in ind:
            ind["declared_level"] = FILL
        ind["evidence"] = [{"title": FILL, "number": FILL, "date": FILL, "issuer": FILL}]
    rep = d["report"]
    rep["number"], rep["date"] = "", FILL
    for key in ("sheets_date", "summary_date"):
        if key in rep:
            rep[key] = FILL
    req = d["request"]
    req["number"], req["date"] = "", FILL
    req["grounds"] = [FILL] if req.get("grounds") else []
    if era(year=old) == "before" and era(year=year) == "after":
        _across_reform(d)
    return d


def _across_reform(d: dict) -> None:
    """Last year's file was made before 01/07/2025, this one after: a field naming a district-level body is not
    carried but marked CẦN ĐIỀN, and the decision's offices of the old commune become the new ones."""
    def clear(text):
        return FILL if isinstance(text, str) and district_body(text) else text

    rec, unit, dec = d["recognition"], d["unit"], d["team"]["decision"]
    for key in ("receiver", "authority"):
        rec[key] = clear(rec[key])
    if "huyện" in rec.get("scope", "").casefold():
        rec["scope"] = FILL
    unit["parent_agency"] = clear(unit.get("parent_agency", ""))
    for part in (d["request"], d["report"], dec):
        for key in ("grounds", "recipients"):
            if part.get(key):
                part[key] = [clear(x) for x in part[key]]
    for key in ("proposer", "executors"):
        if not dec.get(key) or dec[key] == OFFICE_TEXTS["before"][key]:
            dec[key] = OFFICE_TEXTS["after"][key]
        else:
            dec[key] = clear(dec[key])


def new_year(inputs: Path, slug: str, year: int) -> tuple[Path, Path]:
    """Write inputs/<slug>/<year>.yaml from the unit's latest year; refuses to overwrite. (new, source)."""
    folder = inputs / slug
    if not folder.is_dir():
        raise NoEarlierYear(folder)
    target = folder / f"{year}.yaml"
    if target.exists():
        raise FileExistsError(target)
    source = latest(folder)
    d = carried(source, year)
    text = write(d, load_catalogue(d.get("regulation", "tt24-2023")), f"năm {year}, chép từ {source.name}")
    with open(target, "x", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return target, source
