"""Outcomes-based contracts: payment statements, investor returns and scenarios from files.

The calculations live in commonmeasure/domain (payments, mechanisms, returns, scenario); this
package joins them to the file readers in commonmeasure/interchange/contracts.py for the
command line (and, later, the web pages).
"""
