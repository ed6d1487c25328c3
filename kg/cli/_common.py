"""What every command shares: turning library errors into one line and an exit code, and parameters."""

from __future__ import annotations

import functools
import os
import re
from typing import Any, Callable, TypeVar

import typer
import typer.core

from kg.errors import ConfigError, KGError
from kg.queries import PARAM_TYPES, typed_value

F = TypeVar("F", bound=Callable[..., Any])


def _flags_without_type(params: list[Any]) -> list[Any]:
    """A flag (``--quiet``, ``--help``) takes no value: no type in the help (Typer 0.29 shows ``<bool>``)."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


def _unwrapped(text: str | None) -> str | None:
    """A docstring's paragraphs as single lines, so the help wraps to the terminal: the source's own line
    breaks (at ~110 characters) made an 80-column terminal show a full line, a two-word stub, and so on."""
    if not text:
        return text
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n[ \t]*\n", text.strip()))


class KGGroup(typer.core.TyperGroup):
    """A command group whose help shows its flags without a type (see :func:`_flags_without_type`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _unwrapped(self.help)

    def get_params(self, ctx: Any) -> list[Any]:
        return _flags_without_type(super().get_params(ctx))


class KGCommand(typer.core.TyperCommand):
    """A command whose usage line names its arguments as the README does: ``kg eval [OPTIONS] GOLD_DIR
    EXTRACTS_DIR``, an optional one in brackets, a repeatable one with ``...`` (Typer 0.29 writes a required
    argument as ``{gold_dir}``). Each argument's ``metavar`` is its name, else the parameter's in capitals."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _unwrapped(self.help)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if not isinstance(param, typer.core.TyperArgument):
                pieces.extend(param.get_usage_pieces(ctx))
                continue
            name = param.metavar or (param.name or "").upper()
            if param.nargs != 1 and not name.endswith("..."):
                name += "..."
            pieces.append(name if param.required else f"[{name}]")
        return pieces

    def get_params(self, ctx: Any) -> list[Any]:
        return _flags_without_type(super().get_params(ctx))


class KGTyper(typer.Typer):
    """``typer.Typer`` whose commands are :class:`KGCommand` and whose group is a :class:`KGGroup`, unless
    asked for other classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("cls", KGGroup)
        super().__init__(*args, **kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        kwargs.setdefault("cls", KGCommand)
        return super().command(*args, **kwargs)


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
    not a traceback; Ctrl-C says what it left and exits 130. This is the one place where library errors meet the terminal (``main`` does the same
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
        except KeyboardInterrupt:  # Ctrl-C: Typer would exit 130 without a word
            typer.echo("kg: interrupted: every file written so far is whole; the rest was not done, run the "
                       "command again", err=True)
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def parse_params(pairs: list[str] | None) -> dict[str, Any]:
    """``["actor=1984", "n:int=5", "ok:bool=true"]`` -> ``{"actor": "1984", "n": 5, "ok": True}``.

    A value is a string unless its key names a type (``KEY:int=``, ``KEY:float=``, ``KEY:bool=``, ``KEY:str=``):
    ids such as ``1984`` or ``nan`` stay strings. A saved query whose header declares a parameter's type
    (``params: limit (int)``) converts a string itself (``kg.queries.SavedQuery.check_params``)."""
    out: dict[str, Any] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise ConfigError(f"--param {pair!r}: expected KEY=VALUE (or KEY:TYPE=VALUE), e.g. --param actor=ken-marsh")
        key, value = pair.split("=", 1)
        key, _, kind = key.strip().partition(":")
        kind = kind.strip() or "str"
        if not key.isidentifier():
            raise ConfigError(f"--param {pair!r}: {key!r} is not a valid parameter name")
        if kind not in PARAM_TYPES:
            raise ConfigError(f"--param {pair!r}: unknown type {kind!r}; one of {', '.join(PARAM_TYPES)}, "
                              f"e.g. --param {key}:int=5")
        if key in out:
            raise ConfigError(f"--param {pair!r}: {key!r} is given twice")
        out[key] = typed_value(value, kind, f"--param {pair!r}")
    return out


def note_hints(query: str, language: str, params: dict[str, Any]) -> None:
    """After a query found no rows: say on stderr if a parameter looks like a name where an id is expected."""
    from kg.queries import param_hints

    for hint in param_hints(query, language, params):
        typer.echo(f"kg: note: {hint}", err=True)
