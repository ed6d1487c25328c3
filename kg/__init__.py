"""kg: the stakeholder statement knowledge graph.

The package is laid out by pipeline stage:

    ingest -> extract -> (extracts/ JSON) -> graph -> stores -> analysis -> cli
"""

#: The version: the only place it is written (pyproject.toml reads it; `kg --version` shows the package
#: metadata made from it).
__version__ = "0.1.0"
