"""Stage 1 — criteria: catalogues (regulation texts, thresholds, rules, levels, kinds of unit) as data, and their typed loader.

`load_regulation("tt24-2023")` reads `tt24-2023.yaml` beside this file: both levels (cấp huyện, cấp tỉnh),
the kinds of unit with their attributes, and each level's criteria whose `applies_to` are conditions on
those attributes. `load_catalogue("tt24-2023", "cap-tinh")` is one level's view — the criteria of that
level with every condition resolved to the kinds it names — and `catalogue_for(model)` the view an input
is assessed against. The evaluation stage reads only what this module returns; adding a regulation is
adding a YAML file, adding a kind of unit is one entry in it.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from pipeline.core.packaged import catalogue_dir
from pipeline.core.vocab import DIGITAL_LEVELS, TITLE_SCALES, UnitLevel

CATALOGUE_DIR = catalogue_dir()  # package data beside this module


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LevelTexts(_M):
    level1: str
    level2: str | None = None

    def at(self, level: int) -> str:
        return self.level2 if level == 2 and self.level2 else self.level1

    @property
    def differ(self) -> bool:
        return bool(self.level2) and self.level2 != self.level1


class RosterSource(_M):
    field: str
    scale: Literal["individual", "collective"] | None = None
    at_least: str | None = None


class Fact(_M):
    label: str
    roster: RosterSource


# thresholds are read as exact fractions: "92.5" → 185/2, never a float
ExactPercent = Annotated[Fraction, BeforeValidator(lambda v: Fraction(str(v)))]


class PercentThreshold(_M):
    fact: str
    min_percent: ExactPercent


class TitleThreshold(_M):
    at_least: str


class DigitalThreshold(_M):
    at_least: str


class LearnerThreshold(_M):
    min_percent: ExactPercent


# A condition on a kind's attributes: a mapping (all equal) or a list of mappings (any); in a level's view,
# the list of kind codes it resolves to.
Condition = Union[dict[str, Any], list[dict[str, Any]], list[str]]


class LearnerPart(_M):
    """The learners' sentence of 3.1: “tối thiểu 95% Người học …” for the kinds it concerns."""

    applies_to: Condition
    level1: LearnerThreshold
    level2: LearnerThreshold

    def concerns(self, unit_kind: str) -> bool:
        return unit_kind in self.applies_to


class Part(_M):
    """A sentence of an indicator's text that concerns some kinds only (the preschool sentence of 1.2, 3.2)."""

    applies_to: Condition
    about: str

    def concerns(self, unit_kind: str) -> bool:
        return unit_kind in self.applies_to


class QualitativeRule(_M):
    kind: Literal["qualitative"]


class PercentageRule(_M):
    kind: Literal["percentage"]
    level1: PercentThreshold
    level2: PercentThreshold
    learners: LearnerPart | None = None


class CollectiveTitleRule(_M):
    kind: Literal["collective_title"]
    level1: TitleThreshold
    level2: TitleThreshold


class DigitalLevelRule(_M):
    """3.4 (and 3.5 at cấp tỉnh): the unit's digital-transformation level under `framework`."""

    kind: Literal["digital_level"]
    framework: str
    level1: DigitalThreshold
    level2: DigitalThreshold


class AccreditationRule(_M):
    """3.5 at cấp huyện, 3.6 at cấp tỉnh: a vocational accreditation in force on 31/12 of the year."""

    kind: Literal["accreditation"]


Rule = Annotated[Union[QualitativeRule, PercentageRule, CollectiveTitleRule, DigitalLevelRule, AccreditationRule],
                 Field(discriminator="kind")]


class Indicator(_M):
    number: int
    text: LevelTexts
    rule: Rule
    # in the file a condition on the kinds' attributes; in a level's view the kind codes it names. None: every kind
    applies_to: Condition | None = None
    applies_to_level2: Condition | None = None  # the kinds Mức độ 2's text concerns; None: as `applies_to`
    source: dict[str, str] = Field(default_factory=dict)  # the circular's point of each level's text, "6.3.c"
    parts: list[Part] = Field(default_factory=list)  # sentences that concern some kinds only

    def applies(self, unit_kind: str) -> bool:
        return self.applies_to is None or unit_kind in self.applies_to

    def applies_at(self, level: int, unit_kind: str) -> bool:
        """Whether this level's text concerns the unit (Mức độ 2 of 3.3 concerns state bodies only)."""
        if not self.applies(unit_kind):
            return False
        return level == 1 or self.applies_to_level2 is None or unit_kind in self.applies_to_level2


class Criterion(_M):
    number: int
    title: LevelTexts
    indicators: list[Indicator]
    source: dict[str, str] = Field(default_factory=dict)


class EvidenceRule(_M):
    """What makes an evidence item “phù hợp” as far as data can tell: a title (always) and one of these."""

    needs_one_of: list[Literal["number", "date", "issuer"]]
    basis: str

    def suitable(self, item) -> bool:
        return bool(item.title) and any(getattr(item, f) for f in self.needs_one_of)


class RecognitionRule(_M):
    """How long a recognition is kept, and when Mức độ 2 may be asked after Mức độ 1 (Điều 5)."""

    kept_years_after: int = Field(ge=1)
    raise_after_months: int = Field(ge=0)
    basis: str


class LegalBasis(_M):
    """A law cited in a decision's “Căn cứ” lines, for the dates it is in force."""

    text: str
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def in_force(self, on: dt.date) -> bool:
        return (self.valid_from is None or on >= self.valid_from) and (self.valid_until is None or on <= self.valid_until)


class DossierTexts(_M):
    """Fixed texts of the dossier's documents that come from law, not from the unit."""

    regulation_basis: str
    local_government_law: list[LegalBasis]
    team_tasks: list[str]

    def laws_on(self, on: dt.date) -> list[str]:
        return [b.text for b in self.local_government_law if b.in_force(on)]


LevelCode = UnitLevel
EDUCATION = Literal["mam-non", "pho-thong", "gdtx", "dai-hoc", "gdnn", "khac"]


class KindDocuments(_M):
    """What the documents need of a kind of unit (read by the documents, not by the evaluation)."""

    head: str  # the head's title, who signs: Chủ tịch, Hiệu trưởng, Giám đốc
    collective: str = ""  # “TM. …” of a collective body; empty: the head signs in his or her own name
    abbreviation: str = ""  # in document numbers: “TTr-THCS”; empty: the unit's own
    managing_body: str = ""  # an example of the cơ quan chủ quản printed above the unit's name


class UnitKind(_M):
    label: str
    levels: list[LevelCode] = Field(min_length=1)
    default_level: LevelCode | None = None
    public: bool = False
    economic: bool = False
    education: EDUCATION | None = None
    learners: bool = False
    documents: KindDocuments

    @model_validator(mode="after")
    def _levels(self):
        if self.default_level is not None and self.default_level not in self.levels:
            raise ValueError(f"default_level {self.default_level!r} is not one of {self.levels}")
        if self.learners and self.education is None:
            raise ValueError("learners: only a Cơ sở giáo dục has “Người học”")
        return self

    def attribute(self, name: str):
        if name not in ATTRIBUTES:
            raise KeyError(name)
        return getattr(self, name)

    def level_for(self, level: str | None) -> str | None:
        """The level an input of this kind is assessed at: the one it names, its only one, or its default."""
        if level is not None:
            return level if level in self.levels else None
        return self.levels[0] if len(self.levels) == 1 else self.default_level


ATTRIBUTES = ("public", "economic", "education", "learners")


class LevelInfo(_M):
    label: str
    articles: dict[str, int]
    recognition: dict[str, str]


def matches(condition, kind: UnitKind) -> bool:
    """Whether a kind satisfies a condition of the file: a mapping (every attribute equal) or a list (any)."""
    alternatives = condition if isinstance(condition, list) else [condition]
    return any(all(kind.attribute(k) == v for k, v in alt.items()) for alt in alternatives)


class Catalogue(_M):
    """One level's view of a regulation: its criteria, with every condition resolved to kind codes."""

    id: str
    name: str
    full_name: str
    first_year: int
    level: LevelCode = "cap-huyen"
    level_info: LevelInfo
    kinds: dict[str, UnitKind]  # the kinds assessed at this level
    unit_kinds: dict[str, str]  # their labels
    facts: dict[str, Fact]
    criteria: list[Criterion]
    cumulative_levels: bool = False  # True: an indicator reaches Mức độ 2 only if it meets Mức độ 1 too
    evidence: EvidenceRule
    recognition: RecognitionRule
    dossier: DossierTexts

    @model_validator(mode="after")
    def _consistent(self):
        for c in self.criteria:
            for i in c.indicators:
                if isinstance(i.rule, PercentageRule):
                    for t in (i.rule.level1, i.rule.level2):
                        if t.fact not in self.facts:
                            raise ValueError(f"{c.number}.{i.number}: unknown fact {t.fact!r}")
                if isinstance(i.rule, CollectiveTitleRule):
                    for t in (i.rule.level1, i.rule.level2):
                        if t.at_least not in TITLE_SCALES["collective"]:
                            raise ValueError(f"{c.number}.{i.number}: unknown collective title {t.at_least!r}")
                if isinstance(i.rule, DigitalLevelRule):
                    for t in (i.rule.level1, i.rule.level2):
                        if t.at_least not in DIGITAL_LEVELS:
                            raise ValueError(f"{c.number}.{i.number}: unknown digital level {t.at_least!r}")
                named = [*(i.applies_to or []), *(i.applies_to_level2 or []), *(k for p in i.parts for k in p.applies_to)]
                if isinstance(i.rule, PercentageRule) and i.rule.learners is not None:
                    named += list(i.rule.learners.applies_to)
                for kind in named:
                    if kind not in self.unit_kinds:
                        raise ValueError(f"{c.number}.{i.number}: unknown unit kind {kind!r}")
        return self

    @model_validator(mode="after")
    def _facts_known(self):
        for name, fact in self.facts.items():
            src = fact.roster
            if src.at_least is not None and (src.scale is None or src.at_least not in TITLE_SCALES[src.scale]):
                raise ValueError(f"fact {name}: {src.at_least!r} is not a title of scale {src.scale!r}")
        return self

    def indicator_codes(self) -> list[str]:
        return [f"{c.number}.{i.number}" for c in self.criteria for i in c.indicators]

    def indicator(self, code: str) -> tuple[Criterion, Indicator]:
        for c in self.criteria:
            for i in c.indicators:
                if f"{c.number}.{i.number}" == code:
                    return c, i
        raise KeyError(code)


class Regulation(_M):
    """A whole catalogue file: both levels, the kinds of unit, each level's criteria (conditions unresolved)."""

    id: str
    name: str
    full_name: str
    first_year: int
    cumulative_levels: bool = False
    levels: dict[LevelCode, LevelInfo]
    kinds: dict[str, UnitKind]
    facts: dict[str, Any]
    criteria: dict[LevelCode, list[dict[str, Any]]]
    evidence: dict[str, Any]
    recognition: dict[str, Any]
    dossier: dict[str, Any]

    @model_validator(mode="after")
    def _complete(self):
        if set(self.criteria) != set(self.levels):
            raise ValueError(f"criteria for levels {sorted(self.criteria)}, levels {sorted(self.levels)}")
        for code, kind in self.kinds.items():
            for level in kind.levels:
                if level not in self.levels:
                    raise ValueError(f"kind {code}: unknown level {level!r}")
        return self

    def kinds_at(self, level: str) -> dict[str, UnitKind]:
        return {code: k for code, k in self.kinds.items() if level in k.levels}

    def view(self, level: str) -> Catalogue:
        kinds = self.kinds_at(level)

        def resolve(condition):
            if condition is None:
                return None
            for alt in condition if isinstance(condition, list) else [condition]:
                if not isinstance(alt, dict):
                    raise ValueError(f"a condition is a mapping of attributes, not {alt!r}")
                for name in alt:
                    if name not in ATTRIBUTES:
                        raise ValueError(f"unknown attribute {name!r} (known: {', '.join(ATTRIBUTES)})")
            return [code for code, k in kinds.items() if matches(condition, k)]

        criteria = []
        for crit in self.criteria[level]:
            indicators = []
            for spec in crit["indicators"]:
                spec = dict(spec)
                for key in ("applies_to", "applies_to_level2"):
                    if key in spec:
                        spec[key] = resolve(spec[key])
                spec["parts"] = [{**p, "applies_to": resolve(p["applies_to"])} for p in spec.get("parts", [])]
                rule = dict(spec["rule"])
                if rule.get("learners"):
                    rule["learners"] = {**rule["learners"], "applies_to": resolve(rule["learners"]["applies_to"])}
                spec["rule"] = rule
                indicators.append(spec)
            criteria.append({**crit, "indicators": indicators})
        return Catalogue.model_validate({
            "id": self.id, "name": self.name, "full_name": self.full_name, "first_year": self.first_year,
            "cumulative_levels": self.cumulative_levels,
            "level": level, "level_info": self.levels[level], "kinds": kinds,
            "unit_kinds": {code: k.label for code, k in kinds.items()},
            "facts": self.facts, "criteria": criteria, "evidence": self.evidence, "recognition": self.recognition,
            "dossier": self.dossier,
        })


def available() -> list[str]:
    return sorted(p.stem for p in CATALOGUE_DIR.glob("*.yaml"))


@lru_cache(maxsize=None)
def load_regulation(regulation: str) -> Regulation:
    path = CATALOGUE_DIR / f"{regulation}.yaml"
    if regulation not in available():
        raise KeyError(regulation)
    return Regulation.model_validate(read_yaml(path))


@lru_cache(maxsize=None)
def load_catalogue(regulation: str, level: str = "cap-huyen") -> Catalogue:
    """One level's view of a regulation (cấp huyện unless told)."""
    reg = load_regulation(regulation)
    if level not in reg.levels:
        raise KeyError(level)
    return reg.view(level)


def resolve_level(regulation: str, kind_code: str, level: str | None = None) -> str | None:
    """The level a unit of this kind is assessed at (the `level` named, or its kind's only or default level); None
    when the regulation or kind is unknown, the level not one of the kind's, or the kind has two and none is named."""
    try:
        kind = load_regulation(regulation).kinds.get(kind_code)
    except KeyError:
        return None
    return kind.level_for(level) if kind is not None else None


def level_of(model) -> str | None:
    """The level an input is assessed at (see `resolve_level`)."""
    return resolve_level(model.regulation, model.unit.kind, model.unit.level)


def catalogue_for(model) -> Catalogue:
    """The level view an input is assessed against (cấp huyện when its level cannot be told: validation says why)."""
    return load_catalogue(model.regulation, level_of(model) or "cap-huyen")


def read_yaml(path: Path):
    """Our own data file, read by libyaml where PyYAML has it (the same SafeLoader rules, a tenth of the time:
    every run reads the catalogue)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def catalogue_path(regulation: str) -> Path:
    return CATALOGUE_DIR / f"{regulation}.yaml"
