"""Stage 4 — render: assessment + input → the three Word documents, through docxtpl templates.

The context is built here from the `Assessment` (levels, figures, counts) and the input's texts;
no verdict is computed here. Every value goes through `clean_text` (NFC, no XML-illegal
characters) and docxtpl's autoescape, so `&`, `<`, `{{ 7*7 }}` typed by an officer print as typed.
Saved files are deterministic: fixed zip timestamps and core properties.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import Environment, TemplateSyntaxError, meta

from pipeline.evaluate import Assessment, CriterionResult, IndicatorResult
from pipeline.formatting import place_date, short_date, two_digits
from pipeline.forms import FORMS, TEMPLATES_DIR, Form
from pipeline.model import DossierInput, Evidence, IndicatorInput
from pipeline.textnorm import clean_text, paragraphs
from pipeline.vocab import BUILTIN_ABBREVIATIONS, ROLE_LABELS, Level

ZIP_EPOCH = (2000, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------- context

def _count(n: int) -> str:
    return two_digits(n) if n else "0"


def _evidence_line(code: str, index: int, ev: Evidence) -> str:
    details = " ".join(filter(None, [
        f"số {ev.number}" if ev.number else "",
        f"ngày {short_date(ev.date)}" if ev.date else "",
        f"của {ev.issuer}" if ev.issuer else "",
    ]))
    return f"[{code}-{index:02d}] {ev.title}" + (f", {details}." if details else ".")


def _sheet(result: IndicatorResult, crit: CriterionResult, ind: IndicatorInput | None, names: dict[str, str]) -> dict:
    sheet = {
        "code": result.code,
        "number": result.number,
        "applicable": result.applicable,
        "criterion_number": crit.number,
        "criterion_title": crit.title_level1,
        "text_level1": result.text_level1,
        "text_level2": result.text_level2,
        "texts_differ": result.texts_differ,
        "level": result.label,
        "figures": [f"(Căn cứ: {c.text})" for c in result.checks],
    }
    if ind is not None:
        sheet.update(
            assessor1=names.get(ind.assessors[0], ""),
            assessor2=names.get(ind.assessors[1], "") if len(ind.assessors) > 1 else "",
            description=paragraphs(ind.description),
            evidence=[_evidence_line(result.code, i, ev) for i, ev in enumerate(ind.evidence, 1)] or ["(Không có minh chứng kèm theo.)"],
            strengths=paragraphs(ind.strengths),
            weaknesses=paragraphs(ind.weaknesses),
        )
    return sheet


def _marks(level: Level | None) -> list[str]:
    return ["X" if level == lv else "" for lv in Level]


def _conclusion(model: DossierInput, a: Assessment) -> list[str]:
    it, ct = a.indicator_tally, a.criterion_tally
    na = a.not_applicable
    lines = [
        f"- Tổng số chỉ tiêu được đánh giá: {_count(it.total)}"
        + (f" (không tính {_count(len(na))} chỉ tiêu không áp dụng: {', '.join(i.code for i in na)})." if na else "."),
    ]
    for name, t in (("chỉ tiêu", it), ("tiêu chí", ct)):
        parts = "; ".join(f"{lv.label}: {_count(t.count(lv))} {name} ({t.percent(lv)})" for lv in Level)
        lines.append(f"- Số lượng và tỷ lệ {name}: {parts}.")
    verdict = ("chưa đạt “Đơn vị học tập”" if a.unit_level == Level.NOT_MET
               else f"đạt “Đơn vị học tập” cấp huyện Mức độ {int(a.unit_level)}")
    lines.append(f"- Mức tự đánh giá đơn vị học tập năm {a.year}: {model.unit.short_name} tự đánh giá {verdict}.")
    return lines


def _abbreviations(model: DossierInput, texts: list[str]) -> list[dict]:
    table = dict(BUILTIN_ABBREVIATIONS)
    table.update({ab.short: ab.full for ab in model.report.abbreviations})
    corpus = "\n".join(texts)
    used = [short for short in table if re.search(rf"(?<!\w){re.escape(short)}(?!\w)", corpus)]
    used.sort(key=lambda s: s.casefold())
    return [{"index": i, "short": s, "full": table[s]} for i, s in enumerate(used, 1)]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def build_context(model: DossierInput, a: Assessment, unit_kind_label: str) -> dict:
    """Everything the three templates print, as plain strings and lists."""
    names = {m.id: m.name for m in model.team.members}
    leader = next((m.name for m in model.team.members if m.role == "leader"), "")
    criteria = []
    for crit in a.criteria:
        sheets = [_sheet(r, crit, model.indicators.get(r.code), names) for r in crit.indicators]
        conclusion = model.criteria.get(str(crit.number))
        counts = "; ".join(f"{lv.label}: {_count(crit.count(lv))}" for lv in Level)
        criteria.append({
            "number": crit.number,
            "title": crit.title_level1,
            "sheets": sheets,
            "rows": [{"number": r.number, "applicable": r.applicable, "marks": _marks(r.level)} for r in crit.indicators],
            "marks": _marks(crit.level),
            "level": crit.label,
            "strengths": paragraphs(conclusion.strengths) if conclusion else [],
            "weaknesses": paragraphs(conclusion.weaknesses) if conclusion else [],
            "count_line": f"Số lượng chỉ tiêu (trên {_count(len(crit.applicable))} chỉ tiêu áp dụng) — {counts}.",
        })
    report = model.report
    number = f"Số: {report.number}" if report.number else "Số:        /BC-UBND"
    ctx = {
        "year": model.year,
        "unit": {
            "name": model.unit.name,
            "short_name": model.unit.short_name,
            "name_upper": model.unit.name.upper(),
            "parent_agency_upper": model.unit.parent_agency.upper(),
            "kind_label": unit_kind_label,
        },
        "place_date": place_date(model.unit.place, report.date),
        "report_number": number,
        "leader": leader,
        "team": [{"index": i, "name": m.name, "position": m.position, "role": ROLE_LABELS[m.role]}
                 for i, m in enumerate(model.team.members, 1)],
        "team_decision": f"số {model.team.decision.number} ngày {short_date(model.team.decision.date)}",
        "sheets": [s for c in criteria for s in c["sheets"] if s["applicable"]],
        "criteria": criteria,
        "general_situation": paragraphs(report.general_situation),
        "purpose": paragraphs(report.purpose),
        "process_summary": paragraphs(report.process_summary),
        "conclusion": _conclusion(model, a),
        "other_conclusions": paragraphs(report.other_conclusions) or ["Không."],
        "unit_level": a.unit_level.label,
    }
    ctx["abbreviations"] = _abbreviations(model, _strings({k: v for k, v in ctx.items() if k != "sheets"}))
    return _sanitize(ctx)


def _sanitize(value):
    """Last guard before XML: every string NFC and free of characters XML cannot hold."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {k: _sanitize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_sanitize(v) for v in value]
    return value


# ---------------------------------------------------------------- rendering

@lru_cache(maxsize=16)
def _template_bytes(path: Path, mtime_ns: int) -> bytes:
    return path.read_bytes()


def template_path(form: Form, templates: Path | None = None) -> Path:
    return (templates or TEMPLATES_DIR) / form.template


def render_form(form: Form, context: dict, created: dt.datetime, templates: Path | None = None) -> bytes:
    """Fill one template; returns the .docx bytes (deterministic for the same context)."""
    path = template_path(form, templates)
    doc = DocxTemplate(io.BytesIO(_template_bytes(path, path.stat().st_mtime_ns)))
    doc.render(context, autoescape=True)
    props = doc.docx.core_properties
    props.created = props.modified = created
    props.last_printed = created
    props.revision = 1
    props.title = f"{form.title} — {context['unit']['short_name']} — năm {context['year']}"
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a .docx zip with fixed timestamps and order so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def render_all(model: DossierInput, assessment: Assessment, unit_kind_label: str,
               templates: Path | None = None) -> dict[str, bytes]:
    """All three forms: {form key: docx bytes}."""
    context = build_context(model, assessment, unit_kind_label)
    created = dt.datetime.combine(model.report.date, dt.time(8, 0))
    return {form.key: render_form(form, context, created, templates) for form in FORMS}


# ---------------------------------------------------------------- template checks

_SMART_QUOTES = "“”‘’„«»"
KNOWN_VARIABLES = {"year", "unit", "place_date", "report_number", "leader", "team", "team_decision", "sheets",
                   "criteria", "general_situation", "purpose", "process_summary", "conclusion",
                   "other_conclusions", "abbreviations", "unit_level"}


def check_templates(templates: Path | None = None) -> tuple[list[str], list[str]]:
    """(errors, warnings) of the committed or officer-edited templates, found before any rendering.

    Errors: a missing or damaged file, Jinja syntax (a tag Word broke), variables the data does not
    have. Warnings: tags Word autocorrected into curly quotes (docxtpl straightens them, but the
    template should be fixed)."""
    errors, warnings = [], []
    for form in FORMS:
        path = template_path(form, templates)
        if not path.exists():
            errors.append(f"{path}: không tìm thấy mẫu")
            continue
        try:
            doc = DocxTemplate(str(path))
            doc.init_docx()
            raw = doc.get_xml()
            xml = doc.patch_xml(raw)
        except Exception as exc:  # a damaged .docx
            errors.append(f"{path.name}: không mở được ({exc})")
            continue
        plain = re.sub(r"<[^>]+>", "", raw)
        for tag in re.findall(r"\{[{%].*?[%}]\}", plain, re.S):
            if any(q in tag for q in _SMART_QUOTES):
                warnings.append(f"{path.name}: thẻ {tag} có dấu ngoặc kép cong (Word tự sửa); nên sửa thành dấu thẳng \" hoặc '")
        try:
            parsed = Environment().parse(xml)
        except TemplateSyntaxError as exc:
            line = xml.split("\n")[exc.lineno - 1] if exc.lineno and exc.lineno <= xml.count("\n") + 1 else xml
            tags = re.findall(r"\{[{%].*?[%}]\}", re.sub(r"<[^>]+>", "", line))
            near = next((t for t in tags if any(w in t for w in re.findall(r"'(\w+)'", exc.message or ""))), tags[-1] if tags else "")
            errors.append(f"{path.name}: lỗi cú pháp thẻ: {exc.message} (thẻ {near})")
            continue
        unknown = sorted(meta.find_undeclared_variables(parsed) - KNOWN_VARIABLES)
        if unknown:
            errors.append(f"{path.name}: biến không có trong dữ liệu: {', '.join(unknown)}")
    return errors, warnings
