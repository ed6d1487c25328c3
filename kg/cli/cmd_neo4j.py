"""Commands of this area register on the apps of ``kg.cli``."""

from __future__ import annotations
