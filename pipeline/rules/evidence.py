"""The evidence register: every evidence item of an input once, with the one code all documents cite.

Pure (no files, no documents). An item is the same item wherever it is cited when its title,
number, date and issuer agree (case and spacing aside); it takes its code from the first
indicator that cites it, “[1.1-02]” being the second new item of indicator 1.1, and keeps that
code in every sheet, in the report and in the Danh mục minh chứng.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pipeline.sources.model import DossierInput, Evidence


@dataclass(frozen=True)
class Item:
    code: str
    title: str
    number: str
    date: dt.date | None
    issuer: str
    cited_by: tuple[str, ...]  # indicator codes, in catalogue order
    first: tuple[str, int]  # (indicator code, index in its evidence list): where it was first typed


def _identity(ev: Evidence) -> tuple:
    fold = lambda s: " ".join(s.casefold().split())  # noqa: E731
    return fold(ev.title), fold(ev.number), ev.date, fold(ev.issuer)


def _order(code: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in code.split("."))


def register(model: DossierInput) -> tuple[list[Item], dict[tuple[str, int], str]]:
    """(items in code order, {(indicator code, index): item code})."""
    found: dict[tuple, dict] = {}
    cites: dict[tuple[str, int], tuple] = {}
    for code in sorted(model.indicators, key=_order):
        new = 0
        for j, ev in enumerate(model.indicators[code].evidence):
            key = _identity(ev)
            if key not in found:
                new += 1
                found[key] = {"code": f"{code}-{new:02d}", "ev": ev, "cited_by": [], "first": (code, j)}
            if code not in found[key]["cited_by"]:
                found[key]["cited_by"].append(code)
            cites[(code, j)] = key
    items = [Item(f["code"], f["ev"].title, f["ev"].number, f["ev"].date, f["ev"].issuer, tuple(f["cited_by"]), f["first"])
             for f in found.values()]
    return items, {where: found[key]["code"] for where, key in cites.items()}
