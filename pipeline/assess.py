"""load → validate → evaluate for one input file, and the check that declared levels match the data.

The front half of the chain, shared by `evaluate` (terminal table) and `build` (documents).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.criteria import load_catalogue
from pipeline.evaluate import Assessment, contradictions, evaluate
from pipeline.load import Loaded
from pipeline.problems import raise_if_any
from pipeline.validate import validate_file


def assess_file(path: str | Path) -> tuple[Loaded, Assessment]:
    """Raises InputError listing every problem; a declared level the data contradicts is one."""
    loaded = validate_file(path)
    assessment = evaluate(loaded.model, load_catalogue(loaded.model.regulation))
    raise_if_any(
        loaded.problem(("indicators", c.code, "declared_level"), c.message)
        for c in contradictions(loaded.model, assessment)
    )
    return loaded, assessment
