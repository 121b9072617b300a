"""The community-level picture: values up an area hierarchy, formula and composite indicators,
and targets. Reads only; no models of its own. ``areas`` and ``derived`` are handed a
``QuerySpec`` (measures/query_spec.py) and the one function that answers it
(``measures.selectors.run``), which dispatches to them: they never import the selectors, so
there is no cycle. Pages use the selectors' entry points (``query``, ``derived_detail``,
``community_total``, ``area_tree``).

- ``areas``: area_query (``by="area"`` / ``"area:<level>"``) and area_tree, docs/reference/areas.md
- ``derived``: formula and composite indicators, docs/reference/formula-indicators.md and
  composite-indicators.md
- ``targets``: targets by scope and period, % of target, status and turn-the-curve data,
  docs/reference/targets.md
"""
