"""What every command shares: turning library errors into one line and an exit code, and parameters."""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

import typer

from kg.errors import ConfigError, KGError

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Wrap a command so a ``KGError`` becomes ``kg: error: <message>`` on stderr and its exit code.

    This is the one place where library errors meet the terminal (``main`` does the same for errors raised
    outside commands)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KGError as exc:
            typer.echo(f"kg: error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def parse_params(pairs: list[str] | None) -> dict[str, Any]:
    """``["actor=ken-marsh", "limit=5"]`` -> ``{"actor": "ken-marsh", "limit": 5}`` (ints and floats typed)."""
    out: dict[str, Any] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise ConfigError(f"--param {pair!r}: expected KEY=VALUE, e.g. --param actor=ken-marsh")
        key, value = pair.split("=", 1)
        key = key.strip()
        if not key.isidentifier():
            raise ConfigError(f"--param {pair!r}: {key!r} is not a valid parameter name")
        out[key] = _typed(value)
    return out


def _typed(value: str) -> Any:
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value
