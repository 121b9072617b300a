"""Reads of public pages from a read replica (docs/how-to/deploy.md).

When ``DATABASE_REPLICA_URL`` is set, settings add a ``replica`` database and this router. The
public, read-only pages (``REPLICA_PAGES``: the public indicator pages and their embeds, and the
impact bond database) read the product's data from the replica for the length of a GET or HEAD
request; everything else, and every write, uses the primary (``default``). Signed-in pages such as
dashboards stay on the primary, so an approval shows on the next page load however the replica
lags.

Accounts, sessions and other framework tables are always read from the primary, so a person who
has just signed in, or a session that was just written, is never missed because the replica lags.
"""

from __future__ import annotations

import contextvars

from django.conf import settings

REPLICA = "replica"
# Tables read from the replica: the product's own data. Framework apps (auth, sessions,
# contenttypes, admin, messages, tasks) never are.
DATA_APPS = frozenset(
    {
        "initiatives",
        "reporting",
        "rollups",
        "insights",
        "impactbonds",
        "contracts",
        "voice",
        "conversation",
        "backbone",
    }
)

# Pages whose GET and HEAD requests read from the replica: "namespace:*" or "namespace:url_name".
REPLICA_PAGES = frozenset({"impactbonds:*", "insights:public"})

_reading_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "cm_replica_reads", default=False
)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Sends the data reads of replica-marked requests to the replica, all else to the primary."""

    def db_for_read(self, model, **hints):
        if _reading_replica.get() and model._meta.app_label in DATA_APPS and replica_configured():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: one database as far as relations go

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """For the length of a GET or HEAD request to a replica-marked view, reads go to the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reading_replica.set(False)
        try:
            return self.get_response(request)
        finally:
            _reading_replica.reset(token)  # the next request on this thread starts on the primary

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in ("GET", "HEAD") and replica_page(request.resolver_match):
            _reading_replica.set(True)
        return None


def replica_page(match) -> bool:
    """Whether the page a URL resolved to (a ResolverMatch) reads from the replica."""
    if match is None:
        return False
    return f"{match.namespace}:*" in REPLICA_PAGES or match.view_name in REPLICA_PAGES


def reading_replica() -> bool:
    """True while the current request reads from the replica (for tests and diagnostics)."""
    return _reading_replica.get()
