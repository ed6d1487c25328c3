"""Core commands: run, extract, eval, matrix."""

from __future__ import annotations
