"""Stance analysis over extracts: DNA-exact networks, stance matrices, agreement/conflict ties, polarisation.

- ``network``: statement table, two-mode and one-mode networks, aggregations, normalisations, duplicates,
  time windows (DNA 3.1 definitions);
- ``matrix``: the actor x issue stance matrix and its writers (.csv, .tsv, .xlsx, .json);
- ``ties``: derived agreement / conflict ties with their evidence statements;
- ``polarisation``: DNA's polarisation score, per window;
- ``exports``: network files (.csv, .graphml, .gexf, .dl);
- ``plots``: heatmap, network and polarisation pictures (PNG);
- ``commands``: one function per CLI command.

See docs/analysis.md.
"""
