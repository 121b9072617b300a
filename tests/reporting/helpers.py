"""Small helpers shared by the reporting tests."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook

HEADER = "organisation,indicator,period,value"


def write_xlsx(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def stored() -> dict:
    """Everything an import may write, to compare before and after."""
    from commonmeasure.reporting.models import DataValue, Disaggregation, Submission

    return {
        "values": sorted(
            DataValue.objects.values_list(
                "submission__organisation__code",
                "indicator__code",
                "submission__period",
                "disaggregation__key",
                "value",
                "comment",
            )
        ),
        "submissions": sorted(
            Submission.objects.values_list("organisation__code", "period", "status")
        ),
        "disaggregations": Disaggregation.objects.count(),
    }


def import_json(cli, path, *extra) -> tuple[int, dict]:
    code, out, _ = cli("import", "values", path, "--initiative", "alpha", "--json", *extra)
    return code, json.loads(out)
