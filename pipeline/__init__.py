"""Hồ sơ “Đơn vị học tập”: one YAML per unit and year → validated model → assessment → Word/PDF dossier.

The chain, one folder per stage, each importing only those before it (tests/test_layout.py):
core → criteria → sources → rules → documents → render → convert → build → commands → web → cli.
"""

__version__ = "0.1.0"
