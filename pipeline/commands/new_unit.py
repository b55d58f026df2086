"""`new-unit`: start a unit's first year — `inputs/<slug>/<year>.yaml` with every field, the example's
comments, and `CẦN ĐIỀN` wherever the officer must supply a fact. Nothing plausible is invented: the
only values written are the unit's name and what follows from it (short name, place, slug)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pipeline.commands.scaffold import write
from pipeline.criteria import QualitativeRule, load_catalogue, load_regulation, resolve_level
from pipeline.load import FILL

PREFIXES = ("ủy ban nhân dân", "uỷ ban nhân dân", "ubnd")
KINDS = ("phường", "xã", "thị trấn", "đặc khu")


def place_of(name: str) -> str:
    """“Ủy ban nhân dân xã Tân Mỹ” → “Tân Mỹ”."""
    rest = " ".join(name.split())
    for prefix in PREFIXES:
        if rest.casefold().startswith(prefix):
            rest = rest[len(prefix):].strip()
            break
    for kind in KINDS:
        if rest.casefold().startswith(kind + " "):
            return rest[len(kind):].strip()
    return rest


def short_name_of(name: str) -> str:
    """“Ủy ban nhân dân xã Tân Mỹ” → “UBND xã Tân Mỹ”."""
    rest = " ".join(name.split())
    for prefix in PREFIXES:
        if rest.casefold().startswith(prefix):
            return "UBND " + rest[len(prefix):].strip()
    return rest


def slug_of(name: str) -> str:
    """“Ủy ban nhân dân xã Tân Mỹ” → “tan-my” (no accents, đ → d, words joined by “-”)."""
    text = place_of(name).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


class UnknownKind(Exception):
    """`--kind` names no kind of the catalogue, or `--level` a level the kind does not have."""


def kind_facts(cat, kind: str) -> dict:
    """The facts only some kinds have, as the scaffold writes them (CẦN ĐIỀN), for the indicators that count them."""
    from pipeline.criteria import AccreditationRule, DigitalLevelRule, PercentageRule

    out = {}
    for crit in cat.criteria:
        for spec in crit.indicators:
            if not spec.applies(kind):
                continue
            rule = spec.rule
            if isinstance(rule, PercentageRule) and rule.learners is not None and rule.learners.concerns(kind):
                out["learners"] = {"total": FILL, "learning_citizens": FILL}
            if isinstance(rule, DigitalLevelRule):
                out["digital_transformation"] = FILL
            if isinstance(rule, AccreditationRule):
                out["vocational_accreditation"] = {"accredited": FILL, "certificate": FILL, "date": FILL,
                                                   "valid_until": FILL, "issuer": FILL}
    return out


def blank(name: str, year: int, regulation: str = "tt24-2023", kind: str = "ubnd-xa", level: str | None = None) -> dict:
    reg = load_regulation(regulation)
    if kind not in reg.kinds or (level is not None and level not in reg.kinds[kind].levels):
        raise UnknownKind(kind, level)
    resolved = resolve_level(regulation, kind, level)
    cat = load_catalogue(regulation, resolved or reg.kinds[kind].levels[0])
    commune = kind == "ubnd-xa"
    indicators = {}
    for crit in cat.criteria:
        for spec in crit.indicators:
            if not spec.applies(kind):
                continue
            ind = {"assessors": [FILL, FILL], "description": FILL, "strengths": FILL, "weaknesses": FILL,
                   "evidence": [{"title": FILL, "number": FILL, "date": FILL, "issuer": FILL}]}
            if isinstance(spec.rule, QualitativeRule):
                ind["met"] = FILL
            indicators[f"{crit.number}.{spec.number}"] = ind
    person = {"name": FILL, "position": FILL, **{k: FILL for k in ("discipline", "training_completed", "digital_training",
                                                                       "language_certificate", "language_meets_job",
                                                                       "emulation_title", "learning_citizen")}}
    unit = {"name": name, "short_name": short_name_of(name) if commune else FILL, "kind": kind}
    if len(reg.kinds[kind].levels) > 1:  # the level is the officer's to say (a default is for old inputs only)
        unit["level"] = level or FILL
    unit.update({"parent_agency": FILL, "place": place_of(name) if commune else FILL,
                 "collective_name": reg.kinds[kind].documents.collective})
    return {
        "regulation": regulation,
        "year": year,
        "unit": unit,
        "signer": {"name": FILL, "title": FILL, "on_behalf_of": ""},
        "recognition": {"scope": FILL, "receiver": FILL, "authority": FILL},
        "archive": "VT",
        "team": {"decision": {"number": FILL, "date": FILL, "grounds": [], "proposer": "công chức Văn hóa – xã hội",
                              "recipients": []},
                 "members": [{"id": f"tv{i}", "name": FILL, "position": FILL, "role": role}
                             for i, role in enumerate(("leader", "secretary", "member"), 1)]},
        "staff": [person],
        "collective_title": FILL,
        **kind_facts(cat, kind),
        "indicators": indicators,
        "criteria": {str(c.number): {"strengths": FILL, "weaknesses": FILL} for c in cat.criteria},
        "report": {"number": "", "date": FILL, "general_situation": FILL, "purpose": FILL, "process_summary": FILL,
                   "other_conclusions": "", "abbreviations": [], "recipients": []},
        "request": {"number": "", "date": FILL, "grounds": [], "recipients": []},
    }


def new_unit(inputs: Path, name: str, year: int, slug: str | None = None, kind: str = "ubnd-xa",
             level: str | None = None) -> Path:
    """Write the new unit's first file; refuses to overwrite. Returns its path. UnknownKind for a wrong kind/level."""
    slug = slug or slug_of(name)
    path = inputs / slug / f"{year}.yaml"
    d = blank(name, year, kind=kind, level=level)
    if path.exists():
        raise FileExistsError(path)
    resolved = resolve_level("tt24-2023", kind, level) or load_regulation("tt24-2023").kinds[kind].levels[0]
    text = write(d, load_catalogue("tt24-2023", resolved), f"đơn vị mới, năm {year}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return path
