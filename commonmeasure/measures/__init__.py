"""The community-level picture: values up an area hierarchy, formula and composite indicators,
and targets. Reads only, through ``reporting.selectors.query``; no models of its own.

- ``areas``: area_query (``by="area"`` / ``"area:<level>"``) and area_tree, docs/reference/areas.md
- ``derived``: formula and composite indicators, docs/reference/formula-indicators.md and
  composite-indicators.md
- ``targets``: targets by scope and period, % of target, status and turn-the-curve data,
  docs/reference/targets.md
"""
