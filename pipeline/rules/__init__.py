"""Stage 3 — rules: what the circular and the conventions say of a loaded input. `validate` ties the fields
together and to the catalogue; `evaluate` gives every verdict with its figures (pure, exact arithmetic);
`evidence` (the register of evidence), `placeholders` (figures in the prose), `recognition` (which request
the Tờ trình makes), `people` (who leads, who signs), `consistency` (figures typed by hand, checked);
`assess` runs them all as the one set of checks; `summary` is the verdict table.
"""
