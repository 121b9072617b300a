"""Signals sent when an initiative's set-up changes as a whole.

``definition_loaded``: an initiative file was loaded (``services.load_definition``), inside
    the transaction that wrote it. Sent with ``initiative`` (the Initiative) and ``summary``
    (the ``LoadSummary``). The figure cache follows it (rollups/figure_cache.py).
"""

from django.dispatch import Signal

definition_loaded = Signal()
