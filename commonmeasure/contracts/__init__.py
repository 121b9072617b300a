"""Outcomes-based contracts: payment statements, investor returns and scenarios.

The calculations live in commonmeasure/domain (payments, mechanisms, returns, scenario). This
app joins them to the file readers (commonmeasure/interchange/contracts.py) for the command line
(`payments`, `returns`, `scenario`), and holds managed contracts in the database with their
pages (docs/reference/contract-pages.md).
"""
