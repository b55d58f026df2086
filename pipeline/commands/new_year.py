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
from pipeline.placeholders import text_fields
from pipeline.sources.files import kind_problem


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
    return d


def new_year(inputs: Path, slug: str, year: int) -> tuple[Path, Path]:
    """Write inputs/<slug>/<year>.yaml from the unit's latest year; refuses to overwrite. (new, source)."""
    folder = inputs / slug
    if not folder.is_dir():
        raise NoEarlierYear(folder)
    target = folder / f"{year}.yaml"
    if target.exists():
        raise FileExistsError(target)
    source = latest(folder)
    problem = kind_problem(source, inputs)  # a link leaving inputs/ is never read: nothing of it may be echoed
    if problem:
        from pipeline.problems import InputError, Problem

        raise InputError([Problem(str(source), None, "", problem.removeprefix(f"{source}: "))])
    d = carried(source, year)
    text = write(d, load_catalogue(d.get("regulation", "tt24-2023")), f"năm {year}, chép từ {source.name}")
    with open(target, "x", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return target, source
