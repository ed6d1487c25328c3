"""kg: the stakeholder statement knowledge graph.

The package is laid out by pipeline stage:

    ingest -> extract -> (extracts/ JSON) -> graph -> stores -> analysis -> cli
"""

__version__ = "0.1.0"
