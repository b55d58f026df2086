"""The verdicts that can already be judged while fields are still marked CẦN ĐIỀN (the web form's verdict table).

No rule is repeated here: the year is completed twice and both are rated by `evaluate` itself. In the
favourable completion every field still to fill takes the value that helps the unit most (có; the highest
title or level; every person counted; evidence with its number, date and issuer), in the unfavourable one
the value that helps it least (không; the lowest; nobody; an optional field left out, so evidence with a title only). Every verdict of the
circular is monotone in each of these facts — a yes, a higher title, one more person meeting a fact, an
item of evidence never lowers a level (tests/test_web.py checks it on the example) — so a level, or a
figure, that is the same in both completions is the same whatever the officer fills in: it is shown. One
that differs depends on what is still to fill: “chưa đủ dữ liệu”.

Only fields marked CẦN ĐIỀN are completed; any other error hides the table (the rules must hold before
anything is computed, as in `validate`). Nothing is judged while what decides the catalogue itself (the
regulation, the year, the kind and level of the unit) is still to fill.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import typing
from typing import Any, get_args, get_origin

from pydantic import ValidationError

from pipeline.core.problems import Path_, Problem
from pipeline.core.vocab import TITLE_SCALES

PENDING = "chưa đủ dữ liệu"
# what decides which catalogue and which indicators apply: nothing is judged while one of them is to fill
_DECIDING = {("regulation",), ("year",), ("unit", "kind"), ("unit", "level")}
_LATER_IS_BETTER = {"valid_until"}  # a certificate valid longer helps; an earlier date of issue does
_ABSENT = object()
_FIELD = re.compile(r'\[(\d+)\]|"([^"]*)"|([^."\[\]]+)')


def path_of(field: str) -> Path_:
    """`indicators."2.1".evidence[1].date` → ('indicators', '2.1', 'evidence', 0, 'date'): `field_path` read back."""
    out: list = []
    for index, quoted, plain in _FIELD.findall(field):
        out.append(int(index) - 1 if index else quoted if quoted or not plain else plain)
    return tuple(out)


def _choice(path: Path_, year: int, favourable: bool) -> Any:
    """The value of a field still to fill in one completion (see the module's docstring)."""
    from pipeline.web.fields import type_at

    t, required = type_at(path)
    name = next((p for p in reversed(path) if isinstance(p, str)), "")
    if t is bool:
        return favourable
    if t is int:
        many = 10**6
        if name == "total":  # the whole the shares are taken of: fewer helps
            return 1 if favourable else many
        return many if favourable else 0
    if not required and not favourable and t in (str, dt.date):
        return _ABSENT  # an optional text or date: its default (evidence without a number, date or issuer)
    if t is dt.date:
        later = (name in _LATER_IS_BETTER) == favourable
        return dt.date(year + 1, 12, 31) if later else dt.date(year, 1, 1)
    if get_origin(t) is typing.Literal:
        values = list(get_args(t))
        scale = next((s for s in TITLE_SCALES.values() if set(s) == set(values)), None)
        if scale is not None:
            return scale[-1] if favourable else scale[0]
        return values[0]
    if t is str:
        return "…"
    raise LookupError(path)  # a whole table or list to fill: not completed


def _put(data: Any, path: Path_, value: Any) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    if value is _ABSENT:
        del node[path[-1]]
    else:
        node[path[-1]] = value


def _completed(data: dict, paths: list[Path_], favourable: bool):
    from pipeline.sources.model import DossierInput

    out = copy.deepcopy(data)
    year = out.get("year") if isinstance(out.get("year"), int) else dt.date.today().year
    for path in paths:
        _put(out, path, _choice(path, year, favourable))
    return DossierInput.model_validate(out)


def partial_verdicts(data: dict, problems: list[Problem]) -> dict | None:
    """The verdict table (`meta.verdicts`' shape) of what can be judged, when every error left is a CẦN ĐIỀN; None
    when something else is wrong, or what decides the catalogue is still to fill."""
    from pipeline.criteria import catalogue_for
    from pipeline.rules.evaluate import evaluate

    errors = [p for p in problems if not p.warning]
    if not errors or not all(p.message.startswith("cần điền") for p in errors):
        return None
    paths = sorted({path_of(p.field) for p in errors}, key=len, reverse=True)
    if any(p[:2] in _DECIDING or p[:1] in _DECIDING for p in paths):
        return None
    try:
        best, worst = _completed(data, paths, True), _completed(data, paths, False)
    except (LookupError, TypeError, ValidationError):  # a field this cannot complete: no table rather than a guess
        return None
    if catalogue_for(best) != catalogue_for(worst):
        return None
    catalogue = catalogue_for(best)
    undecided = _undecided(data, catalogue)  # đạt/không not chosen yet: the same unknown as a CẦN ĐIỀN
    if undecided:
        paths = sorted(set(paths) | set(undecided), key=len, reverse=True)
        try:
            best, worst = _completed(data, paths, True), _completed(data, paths, False)
        except (LookupError, TypeError, ValidationError):
            return None
    high, low = evaluate(best, catalogue), evaluate(worst, catalogue)
    rows = []
    for hc, lc in zip(high.criteria, low.criteria):
        for hi, li in zip(hc.indicators, lc.indicators):
            level = hi.level if hi.level == li.level else None
            # each figure as in both completions, or “chưa đủ dữ liệu” (Điều 9's evidence check is the level's)
            figures = [a.text if a.text == b.text else PENDING
                       for a, b in zip([c for c in hi.checks if not c.evidence], [c for c in li.checks if not c.evidence])]
            rows.append({"code": hi.code, "criterion": hc.number, "applicable": hi.applicable,
                         "label": hi.label if level is not None or not hi.applicable else PENDING,
                         "level": int(level) if level is not None else None, "pending": hi.applicable and level is None,
                         "figures": figures})
    criteria = [{"number": hc.number, "label": hc.label if hc.level == lc.level else PENDING,
                 "level": int(hc.level) if hc.level is not None and hc.level == lc.level else None,
                 "pending": hc.level != lc.level}
                for hc, lc in zip(high.criteria, low.criteria)]
    unit_known = high.unit_level == low.unit_level
    return {
        "indicators": rows,
        "criteria": criteria,
        "unit": high.unit_level.label if unit_known else PENDING,
        "unit_level": int(high.unit_level) if unit_known else None,
        "staff_total": high.staff_total if high.staff_total == low.staff_total else None,
        "name": best.unit.short_name if isinstance(data.get("unit"), dict) and data["unit"].get("short_name") else "",
        "partial": True,
        "to_fill": len(errors) + len(undecided),
        "undecided": undecided,
    }


def _undecided(data: dict, catalogue) -> list[Path_]:
    """The qualitative indicators that apply and whose đạt/không (`met`) is not chosen: `validate` refuses them once
    the file loads; until then each is completed both ways like a field still to fill, never read as “không”."""
    from pipeline.criteria import QualitativeRule

    kind = (data.get("unit") or {}).get("kind") if isinstance(data.get("unit"), dict) else None
    found = []
    for code, entry in (data.get("indicators") or {}).items():
        if not isinstance(entry, dict) or entry.get("met") is not None:
            continue
        try:
            _, spec = catalogue.indicator(str(code))
        except (KeyError, LookupError, ValueError):
            continue
        if isinstance(spec.rule, QualitativeRule) and spec.applies(kind):
            found.append(("indicators", code, "met"))
    return found
