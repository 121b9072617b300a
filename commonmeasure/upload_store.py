"""Uploaded files kept on the server between a dry run and its commit: one store, with an owner
and an expiry, for every kind of upload.

Values files (reporting/uploads.py) are kept in ``VAR_DIR/uploads``, contract achievements
(contracts/views.py) in ``VAR_DIR/contract-uploads``. Each upload is a data file and, beside it,
a JSON record ``<token>.json``: its token, its owner, its name, when it expires, and whatever
its caller keeps there (the initiative or contract, the progress of a background import). Only
its owner finds it, nobody finds it once it has expired, and every new upload first deletes the
expired ones, so an abandoned upload does not stay for ever.

A store that ``keeps_names`` keeps the data file under the uploader's (cleaned) file name in a
folder of its own, ``<token>/<name>``, so that messages about the file name it as its uploader
knows it; otherwise the data file is ``<token><suffix>`` and the name is in the record only.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

EXPIRY_SECONDS = 24 * 3600
TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


class UploadNotFound(Exception):
    """No such upload for this user (never said apart from "not yours", so tokens cannot be probed)."""


def clean_name(name: str, default: str = "upload") -> str:
    """The last part of an uploaded file's name, with only letters, digits, - _ and . kept."""
    name = Path(name or default).name
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:120] or default


@dataclass(frozen=True)
class UploadStore:
    folder_name: str
    keeps_names: bool = False
    expiry_seconds: int = EXPIRY_SECONDS

    def folder(self) -> Path:
        folder = Path(settings.VAR_DIR) / self.folder_name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def save(self, chunks: Iterable[bytes], *, owner: int, name: str, suffix: str, **record) -> str:
        """Store a file (its bytes, in chunks) with its record; returns its token."""
        if not self.keeps_names and suffix.lower() == ".json":
            # "<token>.json" is the record's own name: the data would overwrite it.
            raise ValueError("a store of .json files must keep their names (keeps_names=True)")
        self.purge_expired()
        token = secrets.token_urlsafe(24)
        if self.keeps_names:
            (self.folder() / token).mkdir()
            file = f"{token}/{clean_name(name)}"
        else:
            file = f"{token}{suffix}"
        size = 0
        with (self.folder() / file).open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
                size += len(chunk)
        now = time.time()
        self.write(
            token,
            {
                "token": token,
                "owner": owner,
                "name": name,
                "file": file,
                "size": size,
                "created": now,
                "expires": now + self.expiry_seconds,
                **record,
            },
        )
        return token

    def load(self, token: str, owner: int | None, **expected) -> dict:
        """The record of this owner's upload; UploadNotFound if there is none, if it is someone
        else's, if it has expired, or if its record differs from ``expected``."""
        if not token or not set(token) <= TOKEN_CHARS or len(token) > 64:
            raise UploadNotFound
        try:
            record = json.loads(self._record_path(token).read_text())
        except (OSError, ValueError):
            raise UploadNotFound from None
        if record.get("owner") != owner or record.get("expires", 0) < time.time():
            raise UploadNotFound
        if any(record.get(key) != value for key, value in expected.items()):
            raise UploadNotFound
        return record

    def data_path(self, record: dict) -> Path:
        return self.folder() / record["file"]

    def write(self, token: str, record: dict) -> None:
        path = self._record_path(token)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(record))
        os.replace(tmp, path)  # readers never see half a record

    def update(self, token: str, **changes) -> dict:
        record = json.loads(self._record_path(token).read_text())
        record.update(changes)
        self.write(token, record)
        return record

    def delete_data(self, record: dict) -> None:
        """Delete the data file (the record stays, e.g. for a committed import's summary)."""
        path = self.data_path(record)
        path.unlink(missing_ok=True)
        if self.keeps_names:
            shutil.rmtree(path.parent, ignore_errors=True)

    def delete(self, record: dict) -> None:
        self.delete_data(record)
        self._record_path(record["token"]).unlink(missing_ok=True)

    def purge_expired(self, now: float | None = None) -> int:
        """Delete uploads past their expiry; returns how many."""
        now = time.time() if now is None else now
        removed = 0
        for record_path in self.folder().glob("*.json"):
            try:
                record = json.loads(record_path.read_text())
            except (OSError, ValueError):
                continue
            if record.get("expires", 0) < now:
                if record.get("file"):
                    self.delete_data(record)
                record_path.unlink(missing_ok=True)
                removed += 1
        return removed

    def _record_path(self, token: str) -> Path:
        return self.folder() / f"{token}.json"
