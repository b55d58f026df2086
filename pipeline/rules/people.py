"""Who is who in the input: the Tổ trưởng of the team, whether two names are one person, the title a
leader's position begins with. Used by validate (the report's signer) and by the documents (who signs)."""

from __future__ import annotations

from pipeline.sources.model import DossierInput, Member


def team_leader(m: DossierInput) -> Member | None:
    return next((x for x in m.team.members if x.role == "leader"), None)


def same_person(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


# the titles of a unit's leaders, as a member's position begins (“Phó Chủ tịch UBND xã” → “Phó Chủ tịch”)
LEADER_TITLES = ("Phó Chủ tịch", "Chủ tịch", "Phó Hiệu trưởng", "Hiệu trưởng", "Phó Giám đốc", "Giám đốc",
                 "Phó Thủ trưởng", "Thủ trưởng")


def leader_title(position: str) -> str | None:
    """“Phó Chủ tịch UBND xã” → “Phó Chủ tịch”; None when the position is not a leader's."""
    folded = " ".join(position.split()).casefold()
    return next((t for t in LEADER_TITLES if folded.startswith(t.casefold())), None)
