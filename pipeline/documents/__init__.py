"""Stage 4 — documents: the documents of a dossier, one small module each (its context and its template builder), and
the registry that lists them in the order the receiving office reads them.

The registry is light (no docx library) so that a no-op build can fingerprint templates quickly;
`spec.module()` imports a document's module when it is rendered or its template is built.
Adding a document is adding a module here and a line to `DOCUMENTS`. `fields` is the reference of
every field a template may use; `docxkit` the python-docx blocks the built-in templates are made of.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.packaged import templates_dir

TEMPLATES_DIR = templates_dir()  # the built-in templates: package data, or the checkout's templates/


@dataclass(frozen=True)
class DocumentSpec:
    key: str
    name: str  # the module below pipeline/documents
    template: str
    title: str  # the bookmark in the merged PDF
    part: str  # "submission": sent for recognition; "working": the working papers behind it

    @property
    def stem(self) -> str:
        return Path(self.template).stem

    def module(self):
        return importlib.import_module(f"pipeline.documents.{self.name}")


# Merged PDF order: the dossier sent (Tờ trình, Mẫu 3, Mẫu 2), then the working papers.
DOCUMENTS = (
    DocumentSpec("to-trinh", "to_trinh", "to-trinh-de-nghi-cong-nhan.docx", "Tờ trình đề nghị công nhận", "submission"),
    DocumentSpec("mau-3", "mau_3", "mau-3-bao-cao-tu-danh-gia.docx", "Mẫu 3 — Báo cáo tự đánh giá", "submission"),
    DocumentSpec("mau-2", "mau_2", "mau-2-bang-tong-hop.docx", "Mẫu 2 — Bảng tổng hợp kết quả", "submission"),
    DocumentSpec("quyet-dinh", "quyet_dinh", "quyet-dinh-thanh-lap-to.docx", "Quyết định thành lập Tổ tự đánh giá", "working"),
    DocumentSpec("mau-1", "mau_1", "mau-1-phieu-danh-gia-chi-tieu.docx", "Mẫu 1 — Phiếu đánh giá chỉ tiêu", "working"),
    DocumentSpec("minh-chung", "minh_chung", "danh-muc-minh-chung.docx", "Danh mục minh chứng", "working"),
)


def spec(key: str) -> DocumentSpec:
    return next(d for d in DOCUMENTS if d.key == key)
