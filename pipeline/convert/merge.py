"""The merged, bookmarked PDF of a whole dossier (pypdf): the parts in reading order, one bookmark each."""

from __future__ import annotations

from pathlib import Path

from pipeline.convert.pdf import ConversionError


def merge(parts: list[tuple[str, Path]], dest: Path, title: str) -> None:
    """Concatenate PDFs in order, one bookmark per part at its first page. A reading copy: the PDF/A parts
    are what is signed and filed (a merge is not PDF/A)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    writer = PdfWriter()
    for name, path in parts:
        start = len(writer.pages)
        try:
            writer.append(PdfReader(str(path)))
        except (PyPdfError, ValueError, KeyError) as exc:  # a truncated or damaged PDF from the converter
            raise ConversionError(f"không đọc được {path.name} để ghép hồ sơ ({exc})") from None
        writer.add_outline_item(title=name, page_number=start)
    writer.add_metadata({"/Title": title, "/Producer": "dvht-dossier"})
    from pypdf.generic import NameObject, TextStringObject

    root = getattr(writer, "root_object", None) or writer._root_object  # the property is pypdf ≥ 4's
    root[NameObject("/Lang")] = TextStringObject("vi-VN")
    with open(dest, "wb") as fh:
        writer.write(fh)
