"""Signals sent when reported data changes, so that derived data (rollups, the activity feed)
can follow it inside the same transaction.

``values_changed``: values of these submissions may have changed, or their status did.
    Sent with ``initiative`` (an Initiative) and ``submission_ids`` (a sorted list of ids).
``status_changed``: reports moved through the workflow (one, or many in a bulk approval).
    Sent with ``initiative``, ``steps`` (a list of ``workflow.Step``: the submission as it is
    after, ``old_status``, ``new_status``, ``comment``) and ``user``.
"""

from django.dispatch import Signal

values_changed = Signal()
status_changed = Signal()
