"""python-docx building blocks for the templates: page set-up, paragraphs, tables and the
Nghị định 30/2020 blocks (header, title with its rule, Nơi nhận and signature).

Only the template builders import this (`make templates`); rendering never does.
"""

from __future__ import annotations

import copy

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
CENTER, RIGHT, LEFT, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY


# ---------------------------------------------------------------- document set-up

def new_document(size: float = 14, spacing: float = 1.15) -> Document:
    doc = Document()
    props = doc.core_properties
    props.author = props.last_modified_by = "dvht-dossier"
    props.title = props.subject = props.keywords = props.comments = ""
    for style_name in ("Normal", "Table Grid"):
        style = doc.styles[style_name]
        style.font.name = FONT
        style.font.size = Pt(size)
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
    _language(doc, "vi-VN")
    normal = doc.styles["Normal"].paragraph_format
    normal.space_before, normal.space_after = Pt(0), Pt(6)
    normal.line_spacing = spacing
    normal.alignment = JUSTIFY
    normal.first_line_indent = Cm(1.27)
    setup_section(doc.sections[0])
    return doc


def _language(doc: Document, tag: str) -> None:
    """The document's language (Word's proofing, the PDF's /Lang): on the default run properties."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), tag)
    doc.core_properties.language = tag


def setup_section(section) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)


def page_numbers(section, first_page: bool = False) -> None:
    """Centred PAGE field in the top margin; hidden on the section's first page unless `first_page`."""
    section.different_first_page_header_footer = not first_page
    section.header.is_linked_to_previous = False
    para = section.header.paragraphs[0]
    para.alignment = CENTER
    para.paragraph_format.first_line_indent = Cm(0)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = para.add_run()
        run.font.size = Pt(13)
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        elif text == " PAGE ":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
            run._r.append(el)
        else:
            run.text = text
    if not first_page:
        section.first_page_header.is_linked_to_previous = False


def restart_numbering(section, start: int = 1) -> None:
    pg = OxmlElement("w:pgNumType")
    pg.set(qn("w:start"), str(start))
    section._sectPr.append(pg)


# ---------------------------------------------------------------- paragraphs

def para(container, text: str = "", *, bold=False, italic=False, size=None, align=None, indent=True,
         before=None, after=None, caps=False, keep_next=False, page_break_before=False):
    p = container.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if caps:
            run.font.all_caps = True
    fmt = p.paragraph_format
    if align is not None:
        fmt.alignment = align
    if not indent or align in (CENTER, RIGHT):
        fmt.first_line_indent = Cm(0)
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if keep_next:
        fmt.keep_with_next = True
    if page_break_before:
        fmt.page_break_before = True
    return p


def runs(container, *parts, align=None, indent=True, after=None, keep_next=False):
    """A paragraph of several runs: parts are (text, {'bold':…, 'italic':…, 'size':…})."""
    p = para(container, align=align, indent=indent, after=after, keep_next=keep_next)
    for text, style in parts:
        run = p.add_run(text)
        run.bold = style.get("bold", False)
        run.italic = style.get("italic", False)
        if "size" in style:
            run.font.size = Pt(style["size"])
    return p


def tag(container, text: str):
    """A paragraph holding only a {%p … %} tag (removed by docxtpl when rendering)."""
    return para(container, text, indent=False, after=0)


def text_list(container, var: str, *, italic=False, indent=True, unbroken=False, keep_next=False):
    """Each entry of a list variable as its own paragraph; `unbroken`: its hyphens non-breaking, for lines that
    cite document numbers (“số 12/QĐ-UBND” never splits at the hyphen)."""
    tag(container, f"{{%p for line in {var} %}}")
    if unbroken:
        p = para(container, indent=indent, keep_next=keep_next)
        unbroken_hyphens(p, "line.split('-')", size=None).italic = italic
    else:
        para(container, "{{ line }}", italic=italic, indent=indent, keep_next=keep_next)
    tag(container, "{%p endfor %}")


B, I = {"bold": True}, {"italic": True}


# ---------------------------------------------------------------- tables

def no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def widths(table, *mm) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), mm):
        col.set(qn("w:w"), str(int(Mm(w).twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, mm):
            cell.width = Mm(w)


def cell_text(cell, text: str = "", *, bold=False, italic=False, size=13, align=CENTER, after=0, before=0):
    p = cell.paragraphs[0]
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(size)
    fmt = p.paragraph_format
    fmt.alignment, fmt.first_line_indent = align, Cm(0)
    fmt.space_after, fmt.space_before = Pt(after), Pt(before)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return p


def cell_line(cell, text: str, **kw):
    p = cell.add_paragraph()
    run = p.add_run(text)
    run.bold, run.italic = kw.get("bold", False), kw.get("italic", False)
    run.font.size = Pt(kw.get("size", 13))
    p.paragraph_format.alignment = kw.get("align", CENTER)
    p.paragraph_format.first_line_indent = Cm(0)
    p.paragraph_format.space_after = Pt(0)
    return p


def unbroken_hyphens(paragraph, var: str, size: float = 11):
    """A run printing the list `var` joined by Word's non-breaking hyphen (w:noBreakHyphen): a document number
    “1985/QĐ-UBND” (given as its parts) never splits at its hyphen. Text readers see a plain “-”."""
    run = paragraph.add_run()
    if size:
        run.font.size = Pt(size)
    head, tail = OxmlElement("w:t"), OxmlElement("w:t")
    for t in (head, tail):
        t.set(qn("xml:space"), "preserve")
    head.text = f"{{% for part in {var} %}}{{{{ part }}}}{{% if not loop.last %}}"
    tail.text = "{% endif %}{% endfor %}"
    run._r.append(head)
    run._r.append(OxmlElement("w:noBreakHyphen"))
    run._r.append(tail)
    return run


def unbreakable_block(container, width_mm: float):
    """A borderless, padding-free one-cell table whose row may not split: its paragraphs stay on one
    page (LibreOffice does not always honour long keep-with-next chains). Returns the cell."""
    table = container.add_table(rows=1, cols=1)
    no_borders(table)
    widths(table, width_mm)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right", "top", "bottom"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.append(margins)
    cant_split(table.rows[0])
    cell = table.rows[0].cells[0]
    cell._tc.remove(cell.paragraphs[0]._p)  # content is added paragraph by paragraph
    return cell


def repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def cant_split(row) -> None:
    el = OxmlElement("w:cantSplit")
    row._tr.get_or_add_trPr().append(el)


def rule_below(paragraph, length_mm: float) -> None:
    """The short rule under the unit name / the motto: a bottom border on a narrow centred paragraph."""
    ppr = paragraph._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    ppr.append(bdr)


def underline_rule(cell, length_mm: float, cell_mm: float):
    """A centred horizontal rule `length_mm` long inside a cell `cell_mm` wide, directly under the line above
    (its own line is 1 pt high, so no gap opens between the text and its rule)."""
    p = cell.add_paragraph()
    fmt = p.paragraph_format
    side = Mm((cell_mm - length_mm) / 2)
    fmt.left_indent = fmt.right_indent = side
    fmt.first_line_indent = Cm(0)
    fmt.space_after = fmt.space_before = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(1)
    rule_below(p, length_mm)
    run = p.add_run()
    run.font.size = Pt(1)
    return p


SIGNATURE_MM = 30  # room for the image a signing tool stamps (signature, seal: 30–40 mm across, set over the lines)


def signature_space(cell, mm: float = SIGNATURE_MM):
    """An empty line exactly `mm` high: the room for a handwritten or digital signature and the seal."""
    p = cell.add_paragraph()
    fmt = p.paragraph_format
    fmt.first_line_indent = Cm(0)
    fmt.space_after = fmt.space_before = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Mm(mm)
    return p


def signature(container, cols: list[tuple[str, str, str]], col_mm: list[float], space_mm: float = 20, date_var: str = ""):
    """Borderless signature table: per column (authority line, note, name variable), `space_mm` of room for
    the signature between; `date_var` puts the place and date, italic, above the last column's authority line."""
    table = container.add_table(rows=1, cols=len(cols))
    no_borders(table)
    widths(table, *col_mm)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, (cell, (title, note, name)) in enumerate(zip(table.rows[0].cells, cols)):
        if date_var and i == len(cols) - 1:
            cell_text(cell, date_var, italic=True, size=14, after=0)
            cell_line(cell, title, bold=True, size=14)
        else:
            cell_text(cell, title, bold=True, size=13 if len(cols) > 2 else 14)
        if note:
            cell_line(cell, note, italic=True, size=13)
        signature_space(cell, space_mm)
        cell_line(cell, name, bold=True, size=13 if len(cols) > 2 else 14)
    cant_split(table.rows[0])
    return table


TEXT_MM = 165  # A4 less the 30 mm and 15 mm margins


def national_header(container, number: str | None, date_var: str | None = "{{ place_date }}", lines: str = "unit.header"):
    """Nghị định 30 header block: on the left the cơ quan chủ quản if any (regular) and the issuing body (bold),
    one paragraph per line of `lines` (computed from the names, broken between name parts only); on the
    right the national name and motto; each with its rule directly under it; the number under the left rule,
    the place and date under the right."""
    from pipeline.core.localgov import HEADER_MM

    left_mm, right_mm = HEADER_MM
    table = container.add_table(rows=1, cols=2)
    no_borders(table)
    widths(table, left_mm, right_mm)
    left, right = table.rows[0].cells
    cell_text(left, f"{{%p for h in {lines} %}}", size=12)
    cell_line(left, "{%p if h.bold %}", size=12)
    cell_line(left, "{{ h.text }}", bold=True, size=12)
    cell_line(left, "{%p else %}", size=12)
    cell_line(left, "{{ h.text }}", size=12)
    cell_line(left, "{%p endif %}", size=12)
    cell_line(left, "{%p endfor %}", size=12)
    underline_rule(left, 22, left_mm)
    if number:
        cell_line(left, number, size=13).paragraph_format.space_before = Pt(6)
    cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    cell_line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13)
    underline_rule(right, 58, right_mm)
    if date_var:
        date = cell_line(right, date_var, italic=True, size=14)
        date.paragraph_format.space_before = Pt(6)
    for cell in (left, right):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    return table


def title_block(container, type_name: str, *subject: str, before: float = 18, rule_mm: float = 50):
    """Document type in capitals, bold; the subject lines bold under it; a short centred rule below."""
    para(container, type_name, bold=True, align=CENTER, before=before, after=0)
    last = None
    for line in subject:
        last = para(container, line, bold=True, align=CENTER, after=0)
    rule = para(container, align=CENTER, after=12)
    fmt = rule.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm((TEXT_MM - rule_mm) / 2)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(2)
    rule_below(rule, rule_mm)
    return last


def closing(container, var: str):
    """Nơi nhận on the left (bold italic 12 pt, recipients 11 pt) and the signature on the right:
    `var.recipients` (lines already ending in “;” / “.”), `var.signature.lines` (authority lines), `var.signature.name`."""
    table = container.add_table(rows=1, cols=2)
    no_borders(table)
    widths(table, 75, 90)
    left, right = table.rows[0].cells
    cell_text(left, "Nơi nhận:", bold=True, italic=True, size=12, align=LEFT, before=6)
    cell_line(left, f"{{%p for r in {var}.recipients %}}", size=11, align=LEFT)
    cell_line(left, "{{ r }}", size=11, align=LEFT)
    cell_line(left, "{%p endfor %}", size=11, align=LEFT)
    cell_text(right, f"{{%p for line in {var}.signature.lines %}}", size=13, before=6)
    cell_line(right, "{{ line }}", bold=True, size=13)
    cell_line(right, "{%p endfor %}", size=13)
    signature_space(right)
    cell_line(right, f"{{{{ {var}.signature.name }}}}", bold=True, size=14)
    for cell in (left, right):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    cant_split(table.rows[0])
    return table


def section_break(container, body_sect_pr) -> None:
    """A paragraph that ends a section with the same page set-up as `body_sect_pr` (next page); tiny, so it
    never pushes a full page over."""
    p = para(container, indent=False, after=0)
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(1)
    p._p.get_or_add_pPr().append(copy.deepcopy(body_sect_pr))


def form_label(container, label: str):
    return para(container, label, bold=True, align=RIGHT, after=0, size=13)


# ---------------------------------------------------------------- the saved package

_STYLE_REFS = ("w:pStyle", "w:rStyle", "w:tblStyle", "w:numStyleLink", "w:styleLink")
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def lean_styles(doc: Document) -> Document:
    """Keep only the styles the package uses (with what they are based on, link to or are followed by, and
    the defaults) and drop Word 2010's stylesWithEffects copy. python-docx's blank document carries 164
    styles (350 KB) that LibreOffice builds one by one for every document it converts: without them a
    conversion takes about 30% less time, and the pages come out pixel-identical (measured, issue 15).
    Word supplies its built-in styles again when an officer picks one."""
    styles = doc.styles.element
    used = set()
    for part in doc.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is None or element is styles:
            continue
        for ref in _STYLE_REFS:
            used.update(e.get(qn("w:val")) for e in element.iter(qn(ref)))
    by_id = {s.get(qn("w:styleId")): s for s in styles.iter(qn("w:style"))}
    keep = used | {sid for sid, s in by_id.items() if s.get(qn("w:default")) == "1"}
    todo = list(keep)
    while todo:
        style = by_id.get(todo.pop())
        for tag_name in ("w:basedOn", "w:next", "w:link"):
            ref = style.find(qn(tag_name)) if style is not None else None
            if ref is not None and ref.get(qn("w:val")) not in keep:
                keep.add(ref.get(qn("w:val")))
                todo.append(ref.get(qn("w:val")))
    for sid, style in by_id.items():
        if sid not in keep:
            styles.remove(style)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype == _STYLES_WITH_EFFECTS:
            doc.part.drop_rel(rid)
    return doc
