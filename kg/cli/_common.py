"""What every command shares: turning library errors into one line and an exit code, and parameters."""

from __future__ import annotations

import functools
import os
from typing import Any, Callable, TypeVar

import typer

from kg.errors import ConfigError, KGError

F = TypeVar("F", bound=Callable[..., Any])


#: Exit code for an operating-system error while reading or writing a file the user named (``--out
#: /dev/null/x.csv``, a full disk, no permission).
OS_ERROR_EXIT = 1


def os_error_line(exc: OSError) -> str:
    """``PATH: strerror`` for an ``OSError`` (both paths for a failed rename)."""
    reason = exc.strerror or str(exc)
    if isinstance(exc, FileExistsError) and exc.filename is not None and not os.path.isdir(exc.filename):
        reason = "not a folder, so nothing can be written inside it"  # mkdir of /dev/null (from /dev/null/x.csv)
    if exc.filename is not None and exc.filename2 is not None:
        return f"{exc.filename} -> {exc.filename2}: {reason}"
    if exc.filename is not None:
        return f"{exc.filename}: {reason}"
    return reason


def handle_errors(func: F) -> F:
    """Wrap a command so a ``KGError`` becomes ``kg: error: <message>`` on stderr and its exit code.

    An error carrying ``problems`` (``kg.errors.InputErrors``) prints one line per problem first. An
    ``OSError`` (a path that cannot be written, a full disk) becomes ``kg: error: PATH: reason`` and exit 1,
    not a traceback. This is the one place where library errors meet the terminal (``main`` does the same
    for errors raised outside commands)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KGError as exc:
            for problem in getattr(exc, "problems", ()):
                typer.echo(f"kg: error: {problem}", err=True)
            typer.echo(f"kg: error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except OSError as exc:
            typer.echo(f"kg: error: {os_error_line(exc)}", err=True)
            raise typer.Exit(OS_ERROR_EXIT) from None

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
