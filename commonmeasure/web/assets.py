"""The Vega, Vega-Lite and vega-embed JavaScript, served from this server (never a CDN).

vl-convert ships the three libraries and bundles them into one script that sets
``window.vegaEmbed``. Bundling takes a few seconds, so the result is kept on disk under
``VAR_DIR/cache`` (one file per vl-convert version) and in memory for the life of the process.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_GET

_lock = threading.Lock()
_memory: dict[str, tuple[bytes, str]] = {}


def vl_convert_version() -> str:
    import vl_convert

    return getattr(vl_convert, "__version__", "unknown")


def build_bundle() -> str:
    """Bundle the libraries (slow: a few seconds)."""
    import vl_convert

    return vl_convert.javascript_bundle()


def cache_path(version: str) -> Path:
    return Path(settings.VAR_DIR) / "cache" / f"vega-bundle-{version}.js"


def bundle() -> tuple[bytes, str]:
    """(script bytes, ETag), built at most once per vl-convert version."""
    version = vl_convert_version()
    cached = _memory.get(version)
    if cached is not None:
        return cached
    with _lock:
        cached = _memory.get(version)
        if cached is not None:
            return cached
        path = cache_path(version)
        try:
            data = path.read_bytes()
        except OSError:
            data = b""
        if not data:
            data = build_bundle().encode("utf-8")
            _write_atomically(path, data)
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        _memory[version] = (data, etag)
        return data, etag


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".vega-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        # A read-only VAR_DIR only costs a rebuild in the next process.
        pass


@require_GET
def vega_bundle(request):
    data, etag = bundle()
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(data, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    # The page links it with ?v=<vl-convert version>, so a new version gets a new address.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
