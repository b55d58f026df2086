"""The fast paths keep the results of the slow ones: compiled templates give docxtpl's XML byte for
byte (the golden test), from memory and from the disk cache; libyaml's composer gives the pure-Python
one's values and lines. Speed itself is measured by `make bench`, never here."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from conftest import EXAMPLE, EXAMPLE_TEXT, hostile_text
from pipeline.criteria import load_catalogue
from pipeline.documents import DOCUMENTS
from pipeline.render import compiled as compiled_mod
from pipeline.render.engine import _environment, _template_bytes, build_contexts, render_reference, template_path
from pipeline.rules.assess import assess_file
from pipeline.sources.load import load

CAT = load_catalogue("tt24-2023")
CREATED = dt.datetime(2025, 1, 8, 8, 0)


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def sparse_text() -> str:
    """The example with empty optional values (numbers, issuers): elements a render leaves empty."""
    text = EXAMPLE_TEXT.replace("        issuer: UBND xã Quảng Phú\n", "        issuer:\n")
    text = text.replace("        number: 05/KH-UBND\n", "        number:\n")
    return text.replace("  number: 08/BC-UBND", "  number:").replace("  number: 10/TTr-UBND", "  number:")


@pytest.mark.parametrize("source", ["example", "hostile", "sparse"])
def test_compiled_templates_give_docxtpls_xml_byte_for_byte(source, write_input, tmp_path, monkeypatch):
    path = {"example": lambda: EXAMPLE, "hostile": lambda: write_input(hostile_text()),
            "sparse": lambda: write_input(sparse_text())}[source]()
    loaded, a = assess_file(path)
    contexts, _ = build_contexts(loaded.model, a, CAT)
    monkeypatch.setenv("DVHT_CACHE", str(tmp_path / "cache"))
    for spec in DOCUMENTS:
        p = template_path(spec)
        data = _template_bytes(p, p.stat().st_mtime_ns, p.stat().st_size)
        reference = parts(render_reference(data, contexts[spec.key], CREATED, "tiêu đề"))
        compiled_mod._CACHE.clear()
        fresh = compiled_mod.compiled(data, _environment())  # compiled now, and written to the disk cache
        compiled_mod._CACHE.clear()
        cached = compiled_mod.compiled(data, _environment())  # read back from the disk cache
        assert fresh is not None and cached is not None and cached is not fresh
        assert fresh.around is not None  # every built-in template can be written as text
        for c in (fresh, cached):
            out = c.render(contexts[spec.key], CREATED, "tiêu đề")
            assert out == c.render(contexts[spec.key], CREATED, "tiêu đề")  # deterministic bytes
            got = parts(out)
            assert sorted(got) == sorted(reference), spec.key
            for name in reference:
                assert got[name] == reference[name], (spec.key, name)
    compiled_mod._CACHE.clear()


def test_a_template_with_footnotes_takes_the_reference_path(tmp_path):
    from docx import Document

    doc = Document()
    doc.add_paragraph("{{ year }}")
    buffer = io.BytesIO()
    doc.save(buffer)
    data = buffer.getvalue()
    assert compiled_mod.compiled(data, _environment()) is not None
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        items = {n: src.read(n) for n in src.namelist()}
    items["word/footnotes.xml"] = b'<?xml version="1.0"?><w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
    items["[Content_Types].xml"] = items["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                     b'wordprocessingml.footnotes+xml"/></Types>')
    items["word/_rels/document.xml.rels"] = items["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                             b'relationships/footnotes" Target="footnotes.xml"/></Relationships>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for n, d in items.items():
            dst.writestr(n, d)
    assert compiled_mod.compiled(out.getvalue(), _environment()) is None


def test_pure_python_yaml_gives_the_same_values_and_lines(monkeypatch, write_input):
    fast = load(EXAMPLE)
    monkeypatch.setenv("DVHT_PURE_YAML", "1")
    pure = load(EXAMPLE)
    assert pure.model == fast.model and pure.lines == fast.lines and pure.text_lines == fast.text_lines
    from pipeline.core.problems import InputError

    bad = write_input("unit:\n  name: A\n   place: B\n")
    with pytest.raises(InputError) as exc_pure:
        load(bad)
    monkeypatch.delenv("DVHT_PURE_YAML")
    with pytest.raises(InputError) as exc_fast:
        load(bad)
    assert [str(p) for p in exc_pure.value.problems] == [str(p) for p in exc_fast.value.problems]
    assert "lỗi cú pháp YAML" in str(exc_fast.value.problems[0])


def test_a_value_inside_a_tag_takes_the_parse_path_and_still_matches(tmp_path):
    """A template printing a value inside an attribute (lxml escapes it its own way) is rendered through docxtpl's
    table fix and lxml, as docxtpl does: still byte-identical."""
    p = template_path(DOCUMENTS[0])
    with zipfile.ZipFile(p) as src:
        items = {n: src.read(n) for n in src.namelist()}
    xml = items["word/document.xml"].decode("utf-8")
    assert 'w:val="center"' in xml
    at = xml.rindex('w:val="center"', 0, xml.index("TỜ TRÌNH"))  # a paragraph that stays (not a {%p %} tag's)
    xml = xml[:at] + "w:val=\"{{ 'center' if year else 'left' }}\"" + xml[at + len('w:val="center"'):]
    items["word/document.xml"] = xml.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for n, d in items.items():
            dst.writestr(n, d)
    data = out.getvalue()
    compiled_mod._CACHE.clear()
    c = compiled_mod.compiled(data, _environment())
    assert c is not None and c.around is None
    loaded, a = assess_file(EXAMPLE)
    contexts, _ = build_contexts(loaded.model, a, CAT)
    ctx = contexts[DOCUMENTS[0].key]
    assert parts(c.render(ctx, CREATED, "t")) == parts(render_reference(data, ctx, CREATED, "t"))
    compiled_mod._CACHE.clear()


def _outcome(path):
    from pipeline.core.problems import InputError

    try:
        loaded = load(path)
    except InputError as exc:
        return [str(p) for p in exc.problems]
    return loaded.model, loaded.lines, loaded.text_lines


def test_the_hostile_corpus_loads_alike_on_both_yaml_paths(monkeypatch, tmp_path):
    """Every case of the hostile corpus gives the same values, lines and messages with libyaml and without."""
    from hostile_cases import CASES

    for i, case in enumerate(CASES):
        path = tmp_path / f"c{i}" / "2024.yaml"
        path.parent.mkdir()
        path.write_bytes(case.bytes())
        monkeypatch.delenv("DVHT_PURE_YAML", raising=False)
        fast = _outcome(path)
        monkeypatch.setenv("DVHT_PURE_YAML", "1")
        pure = _outcome(path)
        assert fast == pure, case.id


def test_untested_library_versions_take_docxtpls_public_render(monkeypatch):
    """Outside the versions the compiled path was tested with, every document is docxtpl's public render:
    the same dossier, byte for byte, and the compiled path never asked."""
    from pipeline.render import docxtpl_adapter as dx
    from pipeline.render.engine import render_all

    assert dx.untested() == []  # this suite runs on the pinned, tested versions
    loaded, a = assess_file(EXAMPLE)
    fast, _ = render_all(loaded.model, a, CAT)
    monkeypatch.setattr(dx, "TESTED", {**dx.TESTED, "docxtpl": ((0, 1), (0, 2))})
    monkeypatch.setattr(dx, "_FAST", None)
    assert [u.split()[0] for u in dx.untested()] == ["docxtpl"]
    assert dx.fast_path() is False

    def refuse(*args, **kwargs):
        raise AssertionError("compiled path used on an untested version")

    monkeypatch.setattr("pipeline.render.engine.compiled", refuse)
    public, _ = render_all(loaded.model, a, CAT)
    assert sorted(public) == sorted(fast)
    for key in fast:
        assert parts(public[key]) == parts(fast[key]), key


def test_core_properties_follow_each_documents_title_date_and_template(tmp_path):
    """The core properties made once per (values, date) and copied: a run of documents with other titles, other
    dates and a property template that prints the context still gives the reference's core.xml each time."""
    from docx import Document

    p = template_path(DOCUMENTS[0])
    doc = Document(str(p))
    doc.core_properties.subject = "{{ unit.name }} — {{ year }}"  # Jinja in a property: rendered per document
    doc.core_properties.keywords = "hồ sơ"  # not one the compiled path sets: stays as the template has it
    buffer = io.BytesIO()
    doc.save(buffer)
    data = buffer.getvalue()
    compiled_mod._CACHE.clear()
    c = compiled_mod.compiled(data, _environment())
    assert c is not None and "subject" not in c.core_constant and c.core_constant["author"] == "dvht-dossier"
    loaded, a = assess_file(EXAMPLE)
    ctx = build_contexts(loaded.model, a, CAT)[0][DOCUMENTS[0].key]
    other = {**ctx, "unit": {**ctx["unit"], "name": "Ủy ban nhân dân xã Khác & <Thử>"}, "year": 2031}
    runs = [(ctx, CREATED, "một"), (other, CREATED, "hai"), (ctx, dt.datetime(2026, 3, 4, 8), "ba"),
            (ctx, CREATED, "một" * 40), (other, CREATED, "hai")]
    seen = set()
    for context, created, title in runs:
        got = parts(c.render(context, created, title))["docProps/core.xml"]
        assert got == parts(render_reference(data, context, created, title))["docProps/core.xml"]
        assert title.encode("utf-8") in got and created.strftime("%Y-%m-%dT%H:%M:%SZ").encode() in got
        seen.add(got)
    assert len(seen) == 4  # the repeated run gave the same bytes; every other one its own
    compiled_mod._CACHE.clear()


def _as_text_reference(xml: str, emptiable: str) -> str:
    """`compiled._as_text` as first written: three regex substitutions (the reference for the str.find version)."""
    import re

    xml = re.sub(r"^<w:body[^>]*>", "<w:body>", xml, count=1)
    xml = xml.replace("&#39;", "'").replace("&#34;", '"')
    if not emptiable:
        return xml
    pattern = r"<(%s)( [^<>]*)?></\1>" % "|".join(map(re.escape, emptiable.split("|")))
    return re.sub(pattern, r"<\1\2/>", xml)


_PIECES = ["<w:body", ' xmlns:w="u"', ">", "<w:t>", "<w:t", ' xml:space="preserve"', "</w:t>", "></w:t>", "<w:tab/>",
           "<w:p>", "</w:p>", "></w:p>", "<w:p", "</w:body>", "></w:body>", "&#39;", "&#34;", "&amp;", "a", "ầ", " ", "/",
           "<", "{_", "<w:tc>", "</w:tc>", "<w:r><w:t>x</w:t></w:r>"]


@pytest.mark.parametrize("emptiable", ["", "w:t", "w:p|w:t", "w:tc|w:t", "w:body|w:t", "w:t|w:tab"])
def test_the_body_as_text_is_what_the_regexes_make(emptiable):
    from hypothesis import given, settings, strategies as st

    @settings(max_examples=400, deadline=None)
    @given(st.lists(st.sampled_from(_PIECES), max_size=40))
    def check(pieces):
        xml = "".join(pieces)
        assert b"".join(compiled_mod._as_text(xml, emptiable)) == _as_text_reference(xml, emptiable).encode("utf-8")

    check()
    for xml in ('<w:t xml:space="preserve">a></w:t>', "<w:t>></w:t>", "<w:t a></w:t></w:t>", "<w:body></w:body>",
                '<w:body xmlns:w="&#34;"><w:t ></w:t>', "<w:tab></w:tab><w:t/></w:t>", "></w:t><w:t></w:t>",
                "<w:body<w:t></w:t>", "<w:body <w:p></w:p>a&#39;b"):
        assert b"".join(compiled_mod._as_text(xml, emptiable)) == _as_text_reference(xml, emptiable).encode("utf-8")
    body = '<w:body xmlns:w="u"><w:p><w:r><w:t xml:space="preserve"></w:t><w:t></w:t><w:t>&#39;x</w:t></w:r></w:p></w:body>'
    assert b"".join(compiled_mod._as_text(body, "w:t")) == b"<w:body><w:p><w:r><w:t xml:space=\"preserve\"/><w:t/><w:t>'x</w:t></w:r></w:p></w:body>"
