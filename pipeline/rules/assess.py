"""load → validate → evaluate → cross-checks for one input: the one set of checks `validate`,
`evaluate` and `dossier` all run, so “✓ hợp lệ” means the dossier will build.

Errors refuse the input; warnings travel with the result and are printed with it (and refuse it
under `strict`, as MkDocs' strict mode does).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.core.problems import InputError, raise_if_any
from pipeline.criteria import catalogue_for
from pipeline.rules.consistency import recognitions_fit, stale_figures
from pipeline.rules.evaluate import Assessment, contradictions, evaluate
from pipeline.rules.validate import carried_in_file, check
from pipeline.sources.load import Loaded, load


def assess_file(path: str | Path, strict: bool = False) -> tuple[Loaded, Assessment]:
    """(loaded, assessment), the warnings in `loaded.warnings`. Raises InputError listing every problem
    (warnings included) when any is an error; a declared level the data contradicts is one."""
    try:
        loaded = load(path)
    except InputError as exc:  # a file still to fill: what it carried from last year is listed with it
        extra = carried_in_file(Path(path))
        if extra:
            raise InputError(list(exc.problems) + extra) from None
        raise
    return assess_loaded(loaded, strict)


def assess_loaded(loaded: Loaded, strict: bool = False) -> tuple[Loaded, Assessment]:
    """The same checks on an input already loaded (`load` or `load_text`)."""
    problems = check(loaded)
    raise_if_any(problems)  # the rules must hold before anything is computed
    assessment = evaluate(loaded.model, catalogue_for(loaded.model))
    problems += [loaded.problem(("indicators", c.code, "declared_level"), c.message)
                 for c in contradictions(loaded.model, assessment)]
    problems += stale_figures(loaded, assessment)
    problems += recognitions_fit(loaded, assessment)
    loaded.warnings = raise_if_any(problems, strict)
    return loaded, assessment
