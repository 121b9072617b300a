"""One place that turns a contract file and its data file into a payment statement."""

from __future__ import annotations

from pathlib import Path

from commonmeasure.domain import periods
from commonmeasure.domain.mechanisms import comparison_statement, weighted_targets_statement
from commonmeasure.domain.payments import (
    Comparison,
    ContractError,
    RateCard,
    Statement,
    rate_card_statement,
)
from commonmeasure.interchange.contracts import ContractFileError, read_contract, read_data


def statement_from_files(
    contract_path: str | Path, data_path: str | Path, by: str = periods.MONTH
) -> Statement:
    """Read both files (all problems reported, nothing computed if any) and compute the statement.

    Raises ContractFileError naming the file and the field, or the row and column."""
    contract = read_contract(contract_path)
    data = read_data(data_path, contract)
    try:
        if isinstance(contract, RateCard):
            return rate_card_statement(contract, data, by)
        if isinstance(contract, Comparison):
            return comparison_statement(contract, data)
        return weighted_targets_statement(contract, data)
    except ContractError as exc:
        raise ContractFileError(Path(data_path).name, exc.problems) from None
