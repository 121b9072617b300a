import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonmeasure.settings")
application = get_wsgi_application()


def warm() -> None:
    """Load what requests need (the URLs and, through them, every view) before serving, then
    leave everything loaded so far out of the garbage collector's full collections, which would
    otherwise scan it all again now and then in the middle of a request (docs/reference/configuration.md, "Serving")."""
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018  (imports the URLconf and fills the reverse map)
    gc.collect()
    gc.freeze()


warm()
