"""Build the docxtpl templates in templates/ from each document's builder (`make templates`).

Each document of `pipeline.documents` builds its own template with python-docx
(`pipeline/documents/<name>.py: template()`); the committed .docx files are what the pipeline
renders. An officer may restyle them in Word (keep the {{ … }} and {% … %} tags whole) and
`make check-templates` will say if a tag broke.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.documents import DOCUMENTS  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "templates"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for spec in DOCUMENTS:
        spec.module().template().save(OUT / spec.template)
        print(f"wrote templates/{spec.template}")


if __name__ == "__main__":
    main()
