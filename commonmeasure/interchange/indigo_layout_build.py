"""Build ``indigo_layout.json`` (the column layout of GO Lab's INDIGO CSV bundle) from the INDIGO
data standard's JSON schemas and one public bundle.

Run once when the standard changes, and commit the result:

    python -m commonmeasure.interchange.indigo_layout_build SCHEMA_DIR BUNDLE_DIR \
        > commonmeasure/interchange/indigo_layout.json

The public bundle gives the column titles exactly as GO Lab writes them; the schemas give, in
their order, the status columns that only a full (private) bundle carries, and each field's
priority (a field without one inherits its nearest ancestor's; with none at all it is priority 3,
as in GO Lab's own data-quality report).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from commonmeasure.domain.translation import gettext

# (schema file, main CSV, owner-id column of the component CSVs, prefix GO Lab adds to main titles)
RECORDS = [
    ("project.json", "projects", "Project ID", ""),
    ("organisation.json", "organisations", "Organisation ID", ""),
    ("fund.json", "funds", "Fund ID", "Fund - "),
]
DEFAULT_PRIORITY = 3


def _resolver(schema: dict):
    definitions = schema.get("definitions", {})

    def resolve(node: dict) -> dict:
        while "$ref" in node:
            extra = {k: v for k, v in node.items() if k != "$ref"}
            node = {**definitions[node["$ref"].rsplit("/", 1)[-1]], **extra}
        return node

    return resolve


def _leaves(schema: dict, main: str):
    """Yield (file, title parts, is_status, priority) in schema order; (file, None, ...) starts a list."""
    resolve = _resolver(schema)

    def walk(node, titles, path, file, priority):
        node = resolve(node)
        priority = node.get("priority", priority)
        if node.get("type") == "object":
            for key, child in node.get("properties", {}).items():
                title = resolve(child).get("title", key)
                yield from walk(child, [*titles, title], f"{path}/{key}", file, priority)
        elif node.get("type") == "array" and resolve(node.get("items", {})).get("type") == "object":
            component = main + "_" + path.replace("/", "")
            yield component, None, False, priority
            yield from walk(node["items"], [], "", component, priority)
        else:
            is_status = path.rsplit("/", 1)[-1] == "status"
            yield file, titles, is_status, priority

    yield from walk(schema, [], "", main, None)


def _file_title(parts: list[str], prefix: str, is_status: bool, top_level: bool) -> str:
    title = " - ".join(parts)
    if title.endswith(" - value"):
        title = title[: -len(" - value")]
    if is_status and title == "Status":
        return title  # the record's or the row's own status: never prefixed
    return (prefix if top_level else "") + title


def build(schema_dir: Path, bundle_dir: Path) -> dict:
    files: dict[str, dict] = {}
    for schema_name, main, owner_column, prefix in RECORDS:
        schema = json.loads((schema_dir / schema_name).read_text(encoding="utf-8"))
        files[main] = {
            "record": main,
            "owner_column": None,
            "id_column": "ID",
            "priority": None,
            "columns": [{"name": "ID", "priority": None, "status": False}],
        }
        for file, parts, is_status, priority in _leaves(schema, main):
            if parts is None:
                files[file] = {
                    "record": main,
                    "owner_column": owner_column,
                    "id_column": owner_column,
                    "priority": priority if priority is not None else DEFAULT_PRIORITY,
                    "columns": [{"name": owner_column, "priority": None, "status": False}],
                }
                continue
            name = _file_title(parts, prefix, is_status, file == main)
            files[file]["columns"].append(
                {
                    "name": name,
                    "status": is_status,
                    "priority": None
                    if is_status
                    else (priority if priority is not None else DEFAULT_PRIORITY),
                }
            )
    for file, layout in files.items():
        public = [c["name"] for c in layout["columns"] if not c["status"]]
        with (bundle_dir / f"{file}.csv").open(newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        if header != public:
            raise SystemExit(
                gettext(
                    "%(file)s.csv: the bundle's header differs from the schema's titles:\n  bundle: %(header)s\n  schema: %(public)s"
                )
                % {"file": file, "header": header, "public": public}
            )
    return {
        "standard": "INDIGO data standard (INDIGO-Initiative/indigo-data-standard, commit f034d757)",
        "files": files,
    }


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    layout = build(Path(sys.argv[1]), Path(sys.argv[2]))
    json.dump(layout, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
