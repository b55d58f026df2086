"""The documents of a dossier: which template each comes from, its title, the submission order.

Kept apart from `render` so that a no-op build can fingerprint templates without importing docxtpl.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class Form:
    key: str
    template: str
    title: str

    @property
    def stem(self) -> str:
        return Path(self.template).stem


FORMS = (
    Form("mau-3", "mau-3-bao-cao-tu-danh-gia.docx", "Mẫu 3 — Báo cáo tự đánh giá"),
    Form("mau-2", "mau-2-bang-tong-hop.docx", "Mẫu 2 — Bảng tổng hợp kết quả"),
    Form("mau-1", "mau-1-phieu-danh-gia-chi-tieu.docx", "Mẫu 1 — Phiếu đánh giá chỉ tiêu"),
)  # submission order: the report, then the summary table, then the indicator sheets
