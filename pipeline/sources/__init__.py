"""Stage 2 — sources: what arrives from outside, read safely. `files` (which files under `inputs/` are
unit-years, the one naming rule, decoding), `load` (one YAML → the typed `model` with a line for every
field), `excel` (the staff list as a workbook), `yaml_edit` (round-trip edits that keep the officer's
bytes), `docxsafety` (what a .docx from outside may not carry). Adding an input source is adding a module here.
"""

from pipeline.sources.files import MAX_BYTES, Found, Scan, SourceError, read_bytes, scan  # noqa: F401
