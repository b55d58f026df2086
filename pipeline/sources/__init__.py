"""Input sources: the YAML files under `inputs/` (`files`) and the staff list in Excel (`excel`)."""

from pipeline.sources.files import MAX_BYTES, Found, Scan, SourceError, read_bytes, scan  # noqa: F401
