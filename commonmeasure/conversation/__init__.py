"""Continuous communication: comment threads on values, reports, indicators and contracts; the
activity feed; notifications in the app and by e-mail (docs/reference/comments-and-notifications.md)."""
