"""Stage 5 — render: the documents' contexts into Word files through docxtpl templates. `templates` finds and
reads a template as untrusted input; `sandbox` is the Jinja environment it renders in; `engine` renders
(through `compiled`, docxtpl's work done once per process, behind `docxtpl_adapter`, the one module that
touches docxtpl's internals); `check` finds before a build what a render would.
"""
