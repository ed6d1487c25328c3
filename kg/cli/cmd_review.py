"""``kg review``: the local browser workspace for the extracts (``kg.review``)."""

from __future__ import annotations

import contextlib
import errno
import logging
import secrets
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import Optional

import typer

from kg import extracts as extracts_io
from kg.cli import app
from kg.cli._common import handle_errors
from kg.errors import ConfigError, ServerError

HOST = "127.0.0.1"


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1 (never another interface); a port in use is one clear error."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ServerError(f"port {port} on {HOST} is in use; choose another with --port (or --port 0 for any "
                              f"free one)") from None
        raise ServerError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc}") from None
    sock.listen(64)
    return sock


def _make_server(config):
    """uvicorn's server, stopped by Ctrl-C or SIGTERM with a normal exit: uvicorn itself raises the signal again
    once it has shut down, so the process would die of it and could not say it stopped."""
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self):
            if threading.current_thread() is not threading.main_thread():
                yield
                return

            def stop(signum, frame):
                if self.should_exit and signum == signal.SIGINT:
                    self.force_exit = True  # a second Ctrl-C: do not wait for open connections
                self.should_exit = True

            old = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in old.items():
                    signal.signal(sig, handler)

    return Server(config)


def _known_issues(codebook: Optional[Path]) -> dict[str, str]:
    from kg.extract.issues import load_codebook

    book = load_codebook(str(codebook) if codebook else None)
    return {i.id: i.label for i in book.issues}


@app.command("review")
@handle_errors
def review_cmd(
    extracts_dir: Path = typer.Argument(..., metavar="EXTRACTS_DIR",
                                        help="The extracts folder to review (kg extract's --out)."),
    corpus: Optional[Path] = typer.Option(None, "--corpus", help="The corpus folder the extracts came from, to "
                                                                 "show each document's source."),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="Port on 127.0.0.1 (0: any free port)."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="Codebook whose issues are offered "
                                                                     "(default: the built-in policing codebook)."),
) -> None:
    """A local web workspace to review and correct the extracts: prints an address with a token to open."""
    import uvicorn

    from kg.review.app import create_app

    if not extracts_dir.is_dir():
        raise ConfigError(f"{extracts_dir}: no such extracts folder")
    extracts_io.list_files(extracts_dir)  # an empty folder: one line, before anything listens
    if corpus is not None and not corpus.is_dir():
        raise ConfigError(f"{corpus}: no such corpus folder (--corpus)")
    issues = _known_issues(codebook)
    token = secrets.token_urlsafe(24)
    sock = bind(port)
    actual = sock.getsockname()[1]
    application = create_app(extracts_dir, token, corpus_dir=corpus, known_issues=issues)

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("kg review: %(message)s"))
    log = logging.getLogger("kg.review")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False

    # no access log: the first request's URL carries the token
    config = uvicorn.Config(application, log_level="warning", access_log=False, lifespan="off")
    server = _make_server(config)
    typer.echo(f"kg review: {extracts_dir} on http://{HOST}:{actual}/", err=True)
    typer.echo(f"    open http://{HOST}:{actual}/?token={token}")
    typer.echo("    (Ctrl-C stops it)", err=True)
    try:
        server.run(sockets=[sock])  # until Ctrl-C or SIGTERM (_make_server)
    finally:
        sock.close()
        log.removeHandler(handler)
    typer.echo("kg review: stopped", err=True)
