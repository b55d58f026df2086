"""Hồ sơ “Đơn vị học tập”: one YAML per unit and year → validated model → assessment → Word/PDF dossier.

The chain, one module per stage: load → validate → evaluate → render → convert, joined by build;
cli is the thin shell around it.
"""

__version__ = "0.1.0"
