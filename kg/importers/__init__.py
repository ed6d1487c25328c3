"""Importers: other tools' data turned into extracts (``kg import ...``)."""
