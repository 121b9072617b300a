"""The one store of uploaded files (commonmeasure/upload_store.py)."""

from __future__ import annotations

import json

import pytest

from commonmeasure.upload_store import UploadStore


def test_a_json_upload_is_kept_beside_its_record_not_in_its_place():
    data = b'{"code": "river", "name": "River"}'

    with pytest.raises(ValueError):
        UploadStore("json-plain").save([data], owner=1, name="river.json", suffix=".json")

    store = UploadStore("json-named", keeps_names=True)
    token = store.save([data], owner=1, name="river.json", suffix=".json")
    record = store.load(token, 1)
    assert store.data_path(record).read_bytes() == data
    assert record["name"] == "river.json"
    assert json.loads(store._record_path(token).read_text())["token"] == token
