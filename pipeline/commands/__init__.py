"""The officer's yearly commands beside the chain: start a unit (`new_unit`), carry a year forward
(`new_year`), the staff list to and from Excel (`staff`), what changed (`changes`) and the years side by
side (`history`). Each writes or reads inputs through the same load and validate stages."""
