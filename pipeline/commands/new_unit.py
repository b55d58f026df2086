"""`new-unit`: start a unit's first year — `inputs/<slug>/<year>.yaml` with every field, the example's
comments, and `CẦN ĐIỀN` wherever the officer must supply a fact. Nothing plausible is invented: the
only values written are the unit's name and what follows from it (short name, place, slug)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pipeline.commands.scaffold import write
from pipeline.criteria import QualitativeRule, load_catalogue
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


def blank(name: str, year: int, regulation: str = "tt24-2023") -> dict:
    cat = load_catalogue(regulation)
    indicators = {}
    for crit in cat.criteria:
        for spec in crit.indicators:
            if not spec.applies("ubnd-xa"):
                continue
            ind = {"assessors": [FILL, FILL], "description": FILL, "strengths": FILL, "weaknesses": FILL,
                   "evidence": [{"title": FILL, "number": FILL, "date": FILL, "issuer": FILL}]}
            if isinstance(spec.rule, QualitativeRule):
                ind["met"] = FILL
            indicators[f"{crit.number}.{spec.number}"] = ind
    person = {"name": FILL, "position": FILL, **{k: FILL for k in ("discipline", "training_completed", "digital_training",
                                                                       "language_certificate", "language_meets_job",
                                                                       "emulation_title", "learning_citizen")}}
    return {
        "regulation": regulation,
        "year": year,
        "unit": {"name": name, "short_name": short_name_of(name), "kind": "ubnd-xa", "parent_agency": FILL,
                 "place": place_of(name), "collective_name": "Ủy ban nhân dân"},
        "signer": {"name": FILL, "title": FILL, "on_behalf_of": ""},
        "recognition": {"scope": FILL, "receiver": FILL, "authority": FILL},
        "archive": "VT",
        "team": {"decision": {"number": FILL, "date": FILL, "grounds": [], "proposer": "công chức Văn hóa – xã hội",
                              "recipients": []},
                 "members": [{"id": f"tv{i}", "name": FILL, "position": FILL, "role": role}
                             for i, role in enumerate(("leader", "secretary", "member"), 1)]},
        "staff": [person],
        "collective_title": FILL,
        "indicators": indicators,
        "criteria": {str(c.number): {"strengths": FILL, "weaknesses": FILL} for c in cat.criteria},
        "report": {"number": "", "date": FILL, "general_situation": FILL, "purpose": FILL, "process_summary": FILL,
                   "other_conclusions": "", "abbreviations": [], "recipients": []},
        "request": {"number": "", "date": FILL, "grounds": [], "recipients": []},
    }


def new_unit(inputs: Path, name: str, year: int, slug: str | None = None) -> Path:
    """Write the new unit's first file; refuses to overwrite. Returns its path."""
    slug = slug or slug_of(name)
    path = inputs / slug / f"{year}.yaml"
    if path.exists():
        raise FileExistsError(path)
    text = write(blank(name, year), load_catalogue("tt24-2023"), f"đơn vị mới, năm {year}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    _schema_beside(inputs)
    return path


def _schema_beside(inputs: Path) -> None:
    """The schema the file's first line names (`../../schema/input.schema.json`, for VS Code's completion), copied
    from the package when the folder has none (a fresh install in an empty folder); an existing one is kept."""
    from pipeline.packaged import schema_file

    target = inputs.parent / "schema" / "input.schema.json"
    if target.exists() or not schema_file().is_file():
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(schema_file().read_bytes())
    except OSError:
        pass  # completion in an editor is a comfort: the input works without it
