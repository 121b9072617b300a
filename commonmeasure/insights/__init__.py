"""Dashboards, peer benchmarking, the indicator explorer and public indicator pages."""
