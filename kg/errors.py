"""One error hierarchy. The library raises these; only ``kg.cli`` turns them into a line and an exit code.

Every message names the file or value at fault and, where there is one, the fix.
"""

from __future__ import annotations


class KGError(Exception):
    """Root of every error ``kg`` raises on purpose."""

    exit_code = 1


class InputError(KGError):
    """An input file cannot be read as a document (empty, binary, wrong encoding, no comments...)."""

    exit_code = 2


class ExtractsError(KGError):
    """An extracts file is missing, malformed or breaks the schema."""

    exit_code = 3


class ConfigError(KGError):
    """A bad option value: unknown model, codebook, level, format, query name or parameter."""

    exit_code = 2


class QueryError(KGError):
    """A saved or ad-hoc query is unknown, malformed or was given bad parameters."""

    exit_code = 4


class StoreError(KGError):
    """A graph store (Neo4j, Oxigraph) is down, refuses us, is locked or missing."""

    exit_code = 5


class ServerError(KGError):
    """The local Neo4j / SPARQL server cannot be installed, started or stopped."""

    exit_code = 6


class InputErrors(InputError):
    """Several input files cannot be read: ``problems`` holds one line per file ("FILE: problem"); the message
    sums them up. The command line prints every problem, then the message."""

    def __init__(self, message: str, problems: list[str]):
        super().__init__(message)
        self.problems = list(problems)


class ActorFileError(ExtractsError):
    """The corpus-level actor file (``EXTRACTS_DIR/actors.yaml``, ``kg.graph.resolve``) is not valid YAML or
    cannot apply: an id merged into itself or into two actors, an unknown id. The message names the line."""


class ClusterError(KGError):
    """A Dask scheduler cannot be reached, or its workers failed the documents sent to them."""

    exit_code = 7
