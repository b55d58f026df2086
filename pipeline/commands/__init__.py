"""Stage 8 — the officer's yearly commands beside the chain: start a unit (`new_unit`, written by
`scaffold`), carry a year forward (`new_year`), the staff list to and from Excel (`staff`), the years side
by side (`history`), the kinds of unit (`kinds`). Each writes or reads inputs through the same load and
validate stages, and returns data or raises; the CLI prints."""
