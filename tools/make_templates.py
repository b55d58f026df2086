"""Build the docxtpl templates in templates/ from each document's builder (`make templates`).

Each document of `pipeline.documents` builds its own template with python-docx
(`pipeline/documents/<name>.py: template()`); the committed .docx files are what the pipeline
renders. Bytes are deterministic (fixed zip timestamps), so unchanged content leaves a file as it
is. A template someone edited in Word or LibreOffice (its bytes differ from what this script last
wrote, as recorded in templates/.generated.json) is never overwritten: the new one goes to
build/templates/ and the script says so.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.documents import DOCUMENTS  # noqa: E402
from pipeline.documents.docxkit import lean_styles  # noqa: E402
from pipeline.render.engine import normalise_zip  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "templates"
ASIDE = Path(__file__).resolve().parent.parent / "build" / "templates"
RECORD = ".generated.json"
DOCS = Path(__file__).resolve().parent.parent / "docs"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def built(spec) -> bytes:
    buffer = io.BytesIO()
    lean_styles(spec.module().template()).save(buffer)
    return normalise_zip(buffer.getvalue())


def main() -> int:
    OUT.mkdir(exist_ok=True)
    record_path = OUT / RECORD
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    refused = 0
    for spec in DOCUMENTS:
        data = built(spec)
        target = OUT / spec.template
        current = target.read_bytes() if target.exists() else None
        if current == data:
            record[spec.template] = _sha(data)
            continue
        if current is not None and _sha(current) != record.get(spec.template):
            ASIDE.mkdir(parents=True, exist_ok=True)
            (ASIDE / spec.template).write_bytes(data)
            print(f"✗ templates/{spec.template} đã được sửa (khác bản do máy tạo lần trước): giữ nguyên; "
                  f"bản mới ghi ở {ASIDE / spec.template}")
            refused += 1
            continue
        target.write_bytes(data)
        record[spec.template] = _sha(data)
        print(f"wrote templates/{spec.template}")
    record_path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    write_field_reference()
    return 1 if refused else 0


def write_field_reference() -> None:
    """docs/truong-du-lieu-mau.md and .docx: the fields templates may use, from the example's real context."""
    from pipeline.documents.fields import markdown, write_docx
    from pipeline.render.check import example_contexts

    contexts = example_contexts()
    DOCS.mkdir(exist_ok=True)
    (DOCS / "truong-du-lieu-mau.md").write_text(markdown(contexts), encoding="utf-8")
    buffer = io.BytesIO()
    write_docx(contexts, buffer)
    (DOCS / "truong-du-lieu-mau.docx").write_bytes(normalise_zip(buffer.getvalue()))


if __name__ == "__main__":
    raise SystemExit(main())
