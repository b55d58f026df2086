"""Criteria catalogues (regulation texts, thresholds, rules) as data, and their typed loader.

`load_catalogue("tt24-2023")` reads `tt24-2023.yaml` beside this file. The evaluation stage
reads only what this module returns; adding a regulation is adding a YAML file.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from pipeline.vocab import TITLE_SCALES

CATALOGUE_DIR = Path(__file__).resolve().parent


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


class PercentThreshold(_M):
    fact: str
    min_percent: Fraction

    @model_validator(mode="before")
    @classmethod
    def _exact(cls, data):
        # thresholds are read as exact fractions: "92.5" → 185/2, never a float
        if isinstance(data, dict) and "min_percent" in data:
            data = {**data, "min_percent": Fraction(str(data["min_percent"]))}
        return data


class TitleThreshold(_M):
    at_least: str


class QualitativeRule(_M):
    kind: Literal["qualitative"]


class PercentageRule(_M):
    kind: Literal["percentage"]
    level1: PercentThreshold
    level2: PercentThreshold


class CollectiveTitleRule(_M):
    kind: Literal["collective_title"]
    level1: TitleThreshold
    level2: TitleThreshold


Rule = Annotated[Union[QualitativeRule, PercentageRule, CollectiveTitleRule], Field(discriminator="kind")]


class Indicator(_M):
    number: int
    text: LevelTexts
    rule: Rule
    applies_to: list[str] | None = None  # None: every unit kind
    applies_to_level2: list[str] | None = None  # the kinds Mức độ 2's text concerns; None: as `applies_to`
    source: dict[str, str] = Field(default_factory=dict)  # the circular's point of each level's text, "6.3.c"

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


class Catalogue(_M):
    id: str
    name: str
    full_name: str
    first_year: int
    unit_kinds: dict[str, str]
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
                for kind in [*(i.applies_to or []), *(i.applies_to_level2 or [])]:
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


def available() -> list[str]:
    return sorted(p.stem for p in CATALOGUE_DIR.glob("*.yaml"))


@lru_cache(maxsize=None)
def load_catalogue(regulation: str) -> Catalogue:
    path = CATALOGUE_DIR / f"{regulation}.yaml"
    if regulation not in available():
        raise KeyError(regulation)
    return Catalogue.model_validate(read_yaml(path))


def read_yaml(path: Path):
    """Our own data file, read by libyaml where PyYAML has it (the same SafeLoader rules, a tenth of the time:
    every run reads the catalogue)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def catalogue_path(regulation: str) -> Path:
    return CATALOGUE_DIR / f"{regulation}.yaml"
