"""Stage 7 — build: the one place the stages meet, for a batch of inputs.

`plan` (what to build: jobs, fingerprints, the record of earlier builds) → `stage` (each dossier assessed
and rendered in a staging folder, in worker processes) → `pdfs` (one converter run for the batch, the merged
PDF) → `outputs` (each dossier swapped in whole, under a lock; hand edits kept) → `records`/`changes` (what
was built from what, and which verdicts moved). `run.build` joins them and returns a `BuildResult`; it
never prints.
"""
