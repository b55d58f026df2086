"""Stage 10 — the command line: the only place that prints and chooses exit codes.

`app` parses the arguments (in Vietnamese, `argparse_vi`) and calls the library; `dossier` turns the
build's `BuildResult` into the officer's lines and the exit code; `ask` asks the questions the Windows menu needs.
"""

from pipeline.cli.app import main  # noqa: F401  (the `dvht` entry point: pipeline.cli:main)
