"""Stage 9 — `dvht web`: a local web editor over the same input files — the officer fills the year in a browser.

`server` starts it on 127.0.0.1 with a per-run token, `routes` holds the pages and the API, `data`
turns the browser's JSON into the officer's YAML (through the project's one round-trip editor,
`pipeline.sources.yaml_edit`: comments, layout, line endings and encoding kept) and runs the library's
checks, `partial` the verdicts that can be judged while CẦN ĐIỀN remain, `fields` the model's type at a field,
`meta` gives the form its catalogue and vocabularies. Scripts and styles are the program's own (`static/`),
nothing is loaded from the Internet.
"""
