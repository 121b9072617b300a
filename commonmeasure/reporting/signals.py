"""Signals sent when reported data changes, so that derived data (rollups, the activity feed)
can follow it inside the same transaction.

``values_changed``: values of these submissions may have changed, or their status did.
    Sent with ``initiative`` (an Initiative) and ``submission_ids`` (a sorted list of ids).
``status_changed``: one submission moved through the workflow.
    Sent with ``submission``, ``old_status``, ``user`` and ``comment``.
"""

from django.dispatch import Signal

values_changed = Signal()
status_changed = Signal()
