"""Evaluate: input model + criteria catalogue → `Assessment` (every verdict, with its figures).

Pure: no file, no document library. Arithmetic is exact — a share reaches a threshold when
`count × 100 ≥ threshold × total` in integers/fractions, so 18 of 20 is 90% and reaches 90%,
and 35 of 39 (89,74…%) does not. Each level is judged by its own article (Điều 8: Mức độ 1 when
every indicator of Điều 6 is met, Mức độ 2 when every indicator of Điều 7 is): a criterion meets a
level when all its applicable indicators meet it ("Tiêu chí được đánh giá là đạt khi đơn vị đạt tất
cả các chỉ tiêu của tiêu chí đó"), the unit when all its criteria do; the catalogue's
`cumulative_levels` makes Mức độ 2 require Mức độ 1 as well. Not-applicable indicators are kept out of every count. An applicable
indicator without suitable evidence is not met (Điều 9 khoản 3: “Các tiêu chí, chỉ tiêu không có
minh chứng phù hợp được đánh giá là không đạt”), whatever its figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from pipeline.core.formatting import percent_beside, percent_share, percent_threshold
from pipeline.core.vocab import COLLECTIVE_TITLES, DIGITAL_LEVELS, LEVEL_BY_CODE, NOT_APPLICABLE_LABEL, Level, rank
from pipeline.criteria import (
    AccreditationRule,
    Catalogue,
    CollectiveTitleRule,
    DigitalLevelRule,
    Indicator,
    PercentageRule,
    QualitativeRule,
)
from pipeline.sources.model import DossierInput


@dataclass(frozen=True)
class Check:
    """One level's test of one indicator, in words a person can verify."""

    level: int  # 1, 2, or 0 for a check that holds every level (Điều 9 khoản 3: the evidence)
    met: bool
    text: str
    numerator: int | None = None
    denominator: int | None = None
    percent: str | None = None
    threshold: str | None = None
    fact: str | None = None  # the roster fact counted (percentage rules); "learners" for the share of Người học
    evidence: bool = False  # the check of Điều 9 khoản 3 (suitable evidence), not of the indicator's content


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    criterion: int
    number: int
    applicable: bool
    level: Level | None  # None: not applicable
    kind: str
    text_level1: str
    text_level2: str
    checks: tuple[Check, ...]
    meets: tuple[bool, bool] = (False, False)  # meets Mức độ 1 / Mức độ 2 (not applicable: False, False)
    content_level: Level | None = None  # the level its content reaches, evidence aside (to compare a declared level)

    @property
    def label(self) -> str:
        return self.level.label if self.level is not None else NOT_APPLICABLE_LABEL

    @property
    def texts_differ(self) -> bool:
        return self.text_level1 != self.text_level2

    @property
    def why_not(self) -> tuple[str, ...]:
        """What keeps an indicator from Mức độ 1, as the checks say it (empty unless Không đạt)."""
        if self.level != Level.NOT_MET:
            return ()
        return tuple(c.text for c in self.checks if c.level in (0, 1) and not c.met and c.text)

    @property
    def no_evidence(self) -> bool:
        return any(c.evidence and not c.met for c in self.checks)

    @property
    def figures(self) -> str:
        """The checks in one sentence, e.g. “28/30 thành viên …, tỷ lệ 93,3%, đáp ứng mức tối thiểu 90% của Mức độ 1; …”."""
        return "; ".join(c.text for c in self.checks)


@dataclass(frozen=True)
class CriterionResult:
    number: int
    title_level1: str
    title_level2: str
    level: Level | None
    indicators: tuple[IndicatorResult, ...]
    meets: tuple[bool, bool] = (False, False)

    @property
    def applicable(self) -> tuple[IndicatorResult, ...]:
        return tuple(i for i in self.indicators if i.applicable)

    def count(self, level: Level) -> int:
        return sum(1 for i in self.applicable if i.level == level)

    @property
    def label(self) -> str:
        return self.level.label if self.level is not None else NOT_APPLICABLE_LABEL


@dataclass(frozen=True)
class Tally:
    """How many of `total` items sit at each level, with the shares C. Kết luận chung prints."""

    total: int
    counts: tuple[int, int, int]  # Không đạt, Mức độ 1, Mức độ 2

    def count(self, level: Level) -> int:
        return self.counts[int(level)]

    def percent(self, level: Level) -> str:
        return percent_share(self.count(level), self.total)


@dataclass(frozen=True)
class Assessment:
    regulation: str
    regulation_full: str
    year: int
    unit_level: Level
    criteria: tuple[CriterionResult, ...]
    indicator_tally: Tally
    criterion_tally: Tally
    staff_total: int
    level: str = "cấp huyện"  # the level the unit is assessed at, as printed (“cấp tỉnh”)

    @property
    def indicators(self) -> tuple[IndicatorResult, ...]:
        return tuple(i for c in self.criteria for i in c.indicators)

    def indicator(self, code: str) -> IndicatorResult:
        return next(i for i in self.indicators if i.code == code)

    @property
    def not_applicable(self) -> tuple[IndicatorResult, ...]:
        return tuple(i for i in self.indicators if not i.applicable)


def _holds(src, person) -> bool:
    """Whether a roster fact holds for one person: a yes, or a title at least as high as `at_least`."""
    if src.at_least is not None:
        return rank(src.scale, getattr(person, src.field)) >= rank(src.scale, src.at_least)
    return getattr(person, src.field) is True


def fact_counts(model: DossierInput, catalogue: Catalogue) -> tuple[dict[str, int], int]:
    """Count, for every fact the catalogue defines, the staff members it holds for; and the total."""
    if model.staff_counts is not None:
        data = model.staff_counts.model_dump()
        return {name: data[name] for name in catalogue.facts if name in data}, model.staff_counts.total
    staff = model.staff or []
    counts = {name: sum(1 for s in staff if _holds(fact.roster, s)) for name, fact in catalogue.facts.items()}
    return counts, len(staff)


def unmet(model: DossierInput, catalogue: Catalogue) -> dict[str, list[int]]:
    """For every fact, the roster positions (from 0) of the people it does not hold for — the reviewer's first
    question; empty lists when the input gives counts only."""
    staff = model.staff or []
    out = {name: [i for i, s in enumerate(staff) if not _holds(fact.roster, s)] for name, fact in catalogue.facts.items()}
    return out


def reaches(count: int, total: int, min_percent: Fraction) -> bool:
    """count/total ≥ min_percent%, exactly."""
    return Fraction(100 * count) >= min_percent * total


def _learner_checks(rule: PercentageRule, model: DossierInput) -> tuple[Check, ...]:
    """The second sentence of 3.1 for a Cơ sở giáo dục with “Người học”: their share at each level."""
    part = rule.learners
    learners = model.learners
    if learners is None:  # validation refuses this; evaluated alone, no figures is not met
        return tuple(Check(level, False, f"chưa có số liệu người học (learners) để tính tỷ lệ người học đạt danh hiệu "
                                         f"“Công dân học tập” của Mức độ {level}", fact="learners")
                     for level in (1, 2))
    n, total = learners.learning_citizens, learners.total
    checks = []
    for level, t in ((1, part.level1), (2, part.level2)):
        ok = reaches(n, total, t.min_percent)
        shown = percent_beside(n, total, (part.level1.min_percent, part.level2.min_percent))
        need = percent_threshold(t.min_percent)
        text = (f"{n}/{total} người học đạt danh hiệu “Công dân học tập”, tỷ lệ {shown}, "
                f"{'đáp ứng' if ok else 'chưa đạt'} mức tối thiểu {need} người học của Mức độ {level}")
        checks.append(Check(level, ok, text, n, total, shown, need, "learners"))
    return tuple(checks)


def _percentage_checks(rule: PercentageRule, catalogue: Catalogue, counts: dict[str, int], total: int) -> tuple[Check, ...]:
    checks = []
    for level, t in ((1, rule.level1), (2, rule.level2)):
        n = counts[t.fact]
        ok = reaches(n, total, t.min_percent)
        # rounding must not lift a share onto any threshold of the same fact (94,97% is never “95%”)
        same_fact = tuple(x.min_percent for x in (rule.level1, rule.level2) if x.fact == t.fact)
        shown, need = percent_beside(n, total, same_fact), percent_threshold(t.min_percent)
        text = (f"{n}/{total} thành viên {catalogue.facts[t.fact].label}, tỷ lệ {shown}, "
                f"{'đáp ứng' if ok else 'chưa đạt'} mức tối thiểu {need} của Mức độ {level}")
        checks.append(Check(level, ok, text, n, total, shown, need, t.fact))
    return tuple(checks)


def _title_checks(rule: CollectiveTitleRule, title: str) -> tuple[Check, ...]:
    held = (f"Đơn vị đạt danh hiệu “{COLLECTIVE_TITLES[title]}”" if title != "khong"
            else "Đơn vị chưa có danh hiệu thi đua tập thể")
    if rule.level1.at_least == rule.level2.at_least:  # one requirement for both levels: said once
        ok = rank("collective", title) >= rank("collective", rule.level1.at_least)
        text = (f"{held}, {'đáp ứng' if ok else 'chưa đáp ứng'} yêu cầu “{COLLECTIVE_TITLES[rule.level1.at_least]}” "
                "trở lên của Mức độ 1 và Mức độ 2")
        return Check(1, ok, text), Check(2, ok, "")
    checks = []
    for level, t in ((1, rule.level1), (2, rule.level2)):
        ok = rank("collective", title) >= rank("collective", t.at_least)
        text = (f"{held}, {'đáp ứng' if ok else 'chưa đáp ứng'} yêu cầu “{COLLECTIVE_TITLES[t.at_least]}” "
                f"trở lên của Mức độ {level}")
        checks.append(Check(level, ok, text))
    return tuple(checks)


def _qualitative_checks(met: bool | None, about: tuple[str, ...] = ()) -> tuple[Check, ...]:
    ok = bool(met)
    also = "".join(f", gồm cả nội dung đối với {a}" for a in about)
    return (Check(1, ok, f"Tổ tự đánh giá xác định đơn vị {'đáp ứng' if ok else 'chưa đáp ứng'} đầy đủ nội dung của chỉ tiêu"
                         f"{also} (nội dung Mức độ 1 và Mức độ 2 như nhau)"),
            Check(2, ok, ""))


def _digital_checks(rule: DigitalLevelRule, held: str | None) -> tuple[Check, ...]:
    """3.4 (3.5 at cấp tỉnh): the level the unit reached under the framework against each level's minimum."""
    shown = (f"Đơn vị đạt mức độ chuyển đổi số “{DIGITAL_LEVELS[held]}” theo {rule.framework}" if held is not None
             else f"Chưa khai mức độ chuyển đổi số của đơn vị theo {rule.framework}")
    checks = []
    for level, t in ((1, rule.level1), (2, rule.level2)):
        ok = held is not None and rank("digital", held) >= rank("digital", t.at_least)
        text = f"{shown}, {'đáp ứng' if ok else 'chưa đạt'} yêu cầu “{DIGITAL_LEVELS[t.at_least].lower()}” của Mức độ {level}"
        checks.append(Check(level, ok, text))
    return tuple(checks)


def accredited(model: DossierInput) -> tuple[bool, str]:
    """Whether the vocational accreditation is in force on 31/12 of the assessment year, and why in words."""
    acc = model.vocational_accreditation
    end = dt.date(model.year, 12, 31)
    if acc is None or not acc.accredited:
        return False, "Đơn vị chưa đạt kiểm định chất lượng giáo dục nghề nghiệp"
    cert = f"giấy chứng nhận kiểm định chất lượng giáo dục nghề nghiệp{' số ' + acc.certificate if acc.certificate else ''}"
    if acc.date is None or acc.valid_until is None:
        return False, f"Chưa ghi ngày cấp và thời hạn của {cert}"
    issued, until = acc.date.strftime("%d/%m/%Y"), acc.valid_until.strftime("%d/%m/%Y")
    if acc.date > end:
        return False, f"{cert.capitalize()} cấp ngày {issued}, sau năm đánh giá {model.year}"
    if acc.valid_until < end:
        return False, f"{cert.capitalize()} cấp ngày {issued} chỉ có giá trị đến ngày {until}, hết hạn trước 31/12/{model.year}"
    return True, f"Đơn vị đạt kiểm định chất lượng giáo dục nghề nghiệp: {cert} cấp ngày {issued}, có giá trị đến ngày {until}"


def _accreditation_checks(model: DossierInput) -> tuple[Check, ...]:
    ok, why = accredited(model)
    return (Check(1, ok, f"{why}, {'đáp ứng' if ok else 'chưa đáp ứng'} yêu cầu của Mức độ 1 và Mức độ 2 "
                         "(nội dung Mức độ 1 và Mức độ 2 như nhau)"),
            Check(2, ok, ""))


def _meets(checks: tuple[Check, ...], cumulative: bool) -> tuple[bool, bool]:
    one = all(c.met for c in checks if c.level in (0, 1))
    two = all(c.met for c in checks if c.level in (0, 2))
    return one, two and (one or not cumulative)


def level_of(meets: tuple[bool, bool]) -> Level:
    return Level.LEVEL_2 if meets[1] else Level.LEVEL_1 if meets[0] else Level.NOT_MET


def suitable_evidence(model: DossierInput, catalogue: Catalogue, code: str) -> int:
    """How many of an indicator's evidence items are “phù hợp” by the catalogue's rule."""
    ind = model.indicators.get(code)
    return sum(1 for ev in ind.evidence if catalogue.evidence.suitable(ev)) if ind is not None else 0


def _evidence_check(catalogue: Catalogue) -> Check:
    needs = " hoặc ".join({"number": "số", "date": "ngày ban hành", "issuer": "cơ quan ban hành"}[f]
                          for f in catalogue.evidence.needs_one_of)
    return Check(0, False, f"Không có minh chứng phù hợp (văn bản có tên và {needs}), nên chỉ tiêu được đánh giá "
                           f"không đạt theo {catalogue.evidence.basis}", evidence=True)


def _indicator(criterion: int, spec: Indicator, model: DossierInput, catalogue: Catalogue, counts, total) -> IndicatorResult:
    code = f"{criterion}.{spec.number}"
    base = dict(code=code, criterion=criterion, number=spec.number, kind=spec.rule.kind,
                text_level1=spec.text.at(1), text_level2=spec.text.at(2))
    kind = model.unit.kind
    if not spec.applies(kind):
        return IndicatorResult(applicable=False, level=None, checks=(), **base)
    rule = spec.rule
    if isinstance(rule, PercentageRule):
        checks = _percentage_checks(rule, catalogue, counts, total)
        if rule.learners is not None and rule.learners.concerns(kind):
            checks = checks + _learner_checks(rule, model)  # staff's first: placeholders read them in order
    elif isinstance(rule, CollectiveTitleRule):
        checks = _title_checks(rule, model.collective_title)
    elif isinstance(rule, DigitalLevelRule):
        checks = _digital_checks(rule, model.digital_transformation)
    elif isinstance(rule, AccreditationRule):
        checks = _accreditation_checks(model)
    else:
        assert isinstance(rule, QualitativeRule)
        about = tuple(p.about for p in spec.parts if p.concerns(kind))
        checks = _qualitative_checks(model.indicators[code].met, about)
    if not spec.applies_at(2, kind):
        label = catalogue.unit_kinds.get(kind, kind)
        checks = tuple(c for c in checks if c.level == 1) + (
            Check(2, True, f"nội dung Mức độ 2 của chỉ tiêu không đặt yêu cầu này đối với {label.lower()}"),)
    content = level_of(_meets(checks, catalogue.cumulative_levels))
    if suitable_evidence(model, catalogue, code) == 0:
        checks = (_evidence_check(catalogue), *checks)
    meets = _meets(checks, catalogue.cumulative_levels)
    shown = tuple(c for c in checks if c.text)  # a qualitative indicator explains itself once
    return IndicatorResult(applicable=True, level=level_of(meets), checks=shown, meets=meets, content_level=content, **base)


def _tally(levels: list[Level]) -> Tally:
    return Tally(len(levels), tuple(sum(1 for x in levels if x == lv) for lv in Level))  # type: ignore[arg-type]


def evaluate(model: DossierInput, catalogue: Catalogue) -> Assessment:
    """Rate every indicator, criterion and the unit. The input must have passed validation."""
    counts, total = fact_counts(model, catalogue)
    criteria = []
    for crit in catalogue.criteria:
        results = tuple(_indicator(crit.number, spec, model, catalogue, counts, total) for spec in crit.indicators)
        applicable = [r for r in results if r.applicable]
        meets = (all(r.meets[0] for r in applicable), all(r.meets[1] for r in applicable))
        criteria.append(CriterionResult(crit.number, crit.title.at(1), crit.title.at(2),
                                        level_of(meets) if applicable else None, results, meets))
    rated = [c.level for c in criteria if c.level is not None]
    unit = (all(c.meets[0] for c in criteria if c.level is not None), all(c.meets[1] for c in criteria if c.level is not None))
    return Assessment(
        regulation=catalogue.name,
        regulation_full=catalogue.full_name,
        year=model.year,
        unit_level=level_of(unit),
        criteria=tuple(criteria),
        indicator_tally=_tally([i.level for c in criteria for i in c.applicable]),
        criterion_tally=_tally(rated),
        staff_total=total,
        level=catalogue.level_info.label,
    )


@dataclass(frozen=True)
class Contradiction:
    code: str
    declared: Level
    computed: Level
    figures: str

    @property
    def message(self) -> str:
        return (f"chỉ tiêu {self.code}: tổ tự đánh giá khai “{self.declared.label}” nhưng số liệu cho "
                f"“{self.computed.label}” ({self.figures}); sửa số liệu hoặc mức khai")


def contradictions(model: DossierInput, assessment: Assessment) -> list[Contradiction]:
    """Indicators whose declared level differs from the level their data gives."""
    out = []
    for code, ind in model.indicators.items():
        if ind.declared_level is None:
            continue
        result = assessment.indicator(code)
        declared = LEVEL_BY_CODE[ind.declared_level]
        # the team declares what the content reaches; missing evidence is said on its own (a warning, Không đạt)
        if result.content_level is not None and declared != result.content_level:
            figures = "; ".join(c.text for c in result.checks if not c.evidence)
            out.append(Contradiction(code, declared, result.content_level, figures))
    return out
