"""What the year's form needs besides the data: the criteria and indicators of the catalogue (their text,
which are qualitative), the closed vocabularies as drop-downs, the placeholders for the insert buttons,
the model's Vietnamese meaning of each field; and the verdict table as the browser shows it."""

from __future__ import annotations

from pipeline.core.vocab import (
    COLLECTIVE_TITLES,
    INDIVIDUAL_TITLES,
    LEVEL_CODES,
    LEVEL_LABELS,
    NO_WORDS,
    ROLE_LABELS,
    YES_WORDS,
    Level,
)
from pipeline.criteria import QualitativeRule, load_catalogue
from pipeline.rules import placeholders
from pipeline.rules.evaluate import Assessment
from pipeline.sources.load import FILL, Loaded
from pipeline.sources.model import DossierInput


def _descriptions(model, prefix: str = "", out: dict | None = None) -> dict[str, str]:
    """“report.date” → the model's description of that field (list items and mapping keys left out)."""
    from pipeline.sources.load import _inner_model

    out = {} if out is None else out
    for name, info in model.model_fields.items():
        key = f"{prefix}{name}"
        if info.description:
            out[key] = info.description
        inner = _inner_model(info.annotation)
        if inner is not None and key.count(".") < 4:
            _descriptions(inner, key + ".", out)
    return out


def form_meta(regulation: str = "tt24-2023", unit_kind: str = "ubnd-xa") -> dict:
    cat = load_catalogue(regulation)
    criteria = []
    for crit in cat.criteria:
        items = []
        for spec in crit.indicators:
            code = f"{crit.number}.{spec.number}"
            items.append({"code": code, "text": spec.text.at(1), "text2": spec.text.at(2) if spec.text.differ else "",
                          "applies": spec.applies(unit_kind), "qualitative": isinstance(spec.rule, QualitativeRule)})
        criteria.append({"number": crit.number, "title": crit.title.at(1), "indicators": items})
    return {
        "fill": FILL,
        "criteria": criteria,
        "roles": ROLE_LABELS,
        "individual_titles": INDIVIDUAL_TITLES,
        "collective_titles": COLLECTIVE_TITLES,
        "levels": {LEVEL_CODES[lv]: LEVEL_LABELS[lv] for lv in Level},
        "yes": sorted(YES_WORDS), "no": sorted(NO_WORDS),
        "placeholders": placeholders.known(cat, unit_kind),
        "fields": _descriptions(DossierInput),
    }


def verdicts(loaded: Loaded, a: Assessment) -> dict:
    """Each indicator with its figures and level, each criterion, the unit: the table `evaluate` prints."""
    rows = []
    for c in a.criteria:
        for i in c.indicators:
            rows.append({"code": i.code, "criterion": c.number, "label": i.label, "applicable": i.applicable,
                         "level": int(i.level) if i.level is not None else None,
                         "figures": [ch.text for ch in i.checks]})
    return {
        "indicators": rows,
        "criteria": [{"number": c.number, "label": c.label, "level": int(c.level) if c.level is not None else None} for c in a.criteria],
        "unit": a.unit_level.label,
        "unit_level": int(a.unit_level),
        "staff_total": a.staff_total,
        "name": loaded.model.unit.short_name,
    }
