"""`kinds`: the kinds of unit a catalogue knows (Điều 2 of Thông tư 24), each with its level(s) — what
`new-unit --kind` accepts. Structured rows; the CLI prints them."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.criteria import load_regulation


@dataclass(frozen=True)
class KindRow:
    code: str
    label: str
    levels: tuple[str, ...]  # level codes, in the catalogue's order
    level_labels: tuple[str, ...]  # “cấp huyện”, “cấp tỉnh”
    needs_level: bool  # assessed at both levels with no default: the input must name one


def kinds(regulation: str = "tt24-2023") -> list[KindRow]:
    reg = load_regulation(regulation)
    return [KindRow(code, k.label, tuple(k.levels), tuple(reg.levels[lv].label for lv in k.levels),
                    len(k.levels) > 1 and k.default_level is None)
            for code, k in reg.kinds.items()]


def by_level(regulation: str = "tt24-2023") -> dict[str, list[KindRow]]:
    """The kinds under each level's label (a kind at both levels under both)."""
    reg = load_regulation(regulation)
    return {info.label: [row for row in kinds(regulation) if lv in row.levels] for lv, info in reg.levels.items()}
