from __future__ import annotations

from dataclasses import asdict, dataclass

from commonmeasure.domain.translation import gettext


@dataclass(frozen=True)
class RowError:
    """A problem with one cell, row or file. Rows are numbered as a spreadsheet shows them
    (the header is row 1); ``row`` is None for a problem with the whole file."""

    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(gettext("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(gettext("column %(column)r") % {"column": self.column})
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class FileProblem(Exception):
    """The file as a whole cannot be read; nothing is imported."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.error = RowError(row, column, message)
