"""The PDFs a dossier's documents are signed and filed as: PDF/A-2b with every font embedded, title and
language set (read with pypdf from the session's real LibreOffice build); the merged PDF is a reading copy."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from pipeline.documents import DOCUMENTS

pytestmark = pytest.mark.libreoffice  # every test here reads the PDFs LibreOffice made


def _fonts(reader: PdfReader):
    """Every font a page uses: (name, its descriptor) — for a composite font, its descendant's descriptor."""
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for _, ref in (resources.get("/Font") or {}).items():
            font = ref.get_object()
            if font.get("/Subtype") == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            yield font.get("/BaseFont"), font.get("/FontDescriptor")


def test_every_document_pdf_is_pdf_a_2b_with_embedded_fonts_title_and_language(built):
    folder = built / "quang-phu" / "2024"
    for spec in DOCUMENTS:
        reader = PdfReader(str(folder / (spec.stem + ".pdf")))
        xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
        part = re.search(r"pdfaid:part(?:>|=\")\s*(\d)", xmp)
        conformance = re.search(r"pdfaid:conformance(?:>|=\")\s*([A-Za-z])", xmp)
        assert part and part.group(1) == "2" and conformance and conformance.group(1).upper() == "B", spec.key
        fonts = list(_fonts(reader))
        assert fonts, spec.key
        for name, descriptor in fonts:
            descriptor = descriptor.get_object() if descriptor is not None else {}
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), (spec.key, name)
        assert reader.metadata.title == f"Ủy ban nhân dân xã Quảng Phú — {spec.title} năm 2024"
        assert reader.trailer["/Root"].get("/Lang") == "vi-VN"
        assert "/Encrypt" not in reader.trailer


def test_the_merged_pdf_is_a_reading_copy_titled_with_the_units_name(built):
    reader = PdfReader(str(built / "quang-phu" / "2024" / "ho-so-tu-danh-gia.pdf"))
    assert reader.metadata.title.startswith("Ủy ban nhân dân xã Quảng Phú — Hồ sơ tự đánh giá")
    assert "quang-phu" not in reader.metadata.title
    assert [o.title for o in reader.outline] == [d.title for d in DOCUMENTS]
