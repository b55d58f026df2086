"""`new-unit`: start a unit's first year — `inputs/<slug>/<year>.yaml` with every field, the example's
comments, and `CẦN ĐIỀN` wherever the officer must supply a fact. Nothing plausible is invented: the
only values written are the unit's name and what follows from it (short name, place, slug)."""

from __future__ import annotations

from pathlib import Path

from pipeline.commands.scaffold import write
from pipeline.core.localgov import OWN_AUTHORITY_KINDS, office_text
from pipeline.core.problems import PipelineError
from pipeline.criteria import QualitativeRule, load_catalogue, load_regulation, resolve_level
from pipeline.rules.validate import place_of, short_name_of  # noqa: F401  (re-exported: the name rules live with validate)
from pipeline.sources.files import slug, year_files
from pipeline.sources.load import FILL


def slug_of(name: str) -> str:
    """“Ủy ban nhân dân xã Tân Mỹ” → “tan-my”: the place, by the one slug rule (`sources.files.slug`)."""
    return slug(place_of(name))


class UnknownKind(PipelineError):
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
    # a People's Committee has no cơ quan chủ quản (left empty); a school's managing body is the officer's to give
    unit.update({"parent_agency": "" if kind in OWN_AUTHORITY_KINDS else FILL, "place": place_of(name) if commune else FILL,
                 "collective_name": reg.kinds[kind].documents.collective})
    return {
        "regulation": regulation,
        "year": year,
        "unit": unit,
        "signer": {"name": FILL, "title": FILL, "on_behalf_of": ""},
        "recognition": {"scope": FILL, "receiver": FILL, "authority": FILL},
        "archive": "VT",
        "team": {"decision": {"number": FILL, "date": FILL, "grounds": [], "proposer": office_text("proposer", year=year),
                              "executors": office_text("executors", year=year), "recipients": []},
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


class Refused(PipelineError):
    """A yearly command asked for something the rules refuse; the message says why and what to do."""


class HasYears(Refused):
    """The unit is there already, with another year: a new year is carried from it (`new-year`), not started anew."""

    def __init__(self, slug: str, other_year: int, path: Path, year: int):
        super().__init__(f"đơn vị này đã có năm {other_year} ({path}); để chép sang năm {year}: dvht new-year {slug} {year}")
        self.slug, self.other_year, self.year = slug, other_year, year


class Exists(Refused):
    """The unit-year file is already there: never overwritten (`path` names it)."""

    def __init__(self, path: Path):
        super().__init__(f"đã có tệp {path}; không ghi đè")
        self.path = path


def name_of_unit(path: Path) -> str | None:
    """The unit's name written in an input (read even when the file is unfinished), or None."""
    from pipeline.core.problems import InputError
    from pipeline.sources.load import parse, read_text

    try:
        unit = parse(read_text(path), str(path))[0].get("unit")
    except InputError:
        return None
    name = unit.get("name") if isinstance(unit, dict) else None
    return " ".join(name.split()) if isinstance(name, str) else None


def new_unit(inputs: Path, name: str, year: int, slug: str | None = None, kind: str = "ubnd-xa",
             level: str | None = None) -> Path:
    """Write the new unit's first file; refuses to overwrite, and refuses what `validate` would refuse
    (the year, the name) or a folder already holding another unit. Returns its path. UnknownKind for a
    wrong kind/level."""
    from pipeline.core.textnorm import clean_text
    from pipeline.rules.validate import unit_name_problem, year_problem
    from pipeline.sources.files import is_unit_folder

    raw = name
    name = clean_text(name).strip()
    why = unit_name_problem(raw.strip()) or year_problem(year)
    if why:
        raise Refused(why)
    slug = slug or slug_of(name)
    if not is_unit_folder(slug):
        raise Refused(f"tên thư mục “{slug}” không hợp lệ: chỉ dùng chữ thường không dấu, số và dấu “-” (ví dụ tan-my)")
    folder = inputs / slug
    years = year_files(folder)
    if year in years:
        raise Exists(years[year][0])
    for other_year, paths in sorted(years.items()):
        other = name_of_unit(paths[0])
        if other is None or other.casefold() != " ".join(name.split()).casefold():
            alt = "-".join(filter(None, (_kind_slug(name), slug)))
            raise Refused(f"thư mục {folder} đã là của “{other or paths[0].name}”; hai đơn vị không dùng chung một thư mục — "
                          f"đặt tên thư mục khác, ví dụ: dvht new-unit {alt} --name \"{name}\" --year {year}")
        raise HasYears(slug, other_year, paths[0], year)
    d = blank(name, year, kind=kind, level=level)
    resolved = resolve_level("tt24-2023", kind, level) or load_regulation("tt24-2023").kinds[kind].levels[0]
    text = write(d, load_catalogue("tt24-2023", resolved), f"đơn vị mới, năm {year}")
    path = folder / f"{year}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    _schema_beside(inputs)
    return path


def _schema_beside(inputs: Path) -> None:
    """The schema the file's first line names (`../../schema/input.schema.json`, for VS Code's completion), copied
    from the package when the folder has none (a fresh install in an empty folder); an existing one is kept."""
    from pipeline.core.packaged import schema_file

    target = inputs.parent / "schema" / "input.schema.json"
    if target.exists() or not schema_file().is_file():
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(schema_file().read_bytes())
    except OSError:
        pass  # completion in an editor is a comfort: the input works without it


def _kind_slug(name: str) -> str:
    from pipeline.rules.validate import KINDS, PREFIXES

    rest = " ".join(name.split())
    for prefix in PREFIXES:
        if rest.casefold().startswith(prefix):
            rest = rest[len(prefix):].strip()
    for kind in KINDS:
        if rest.casefold().startswith(kind + " "):
            return slug(kind)
    return ""
