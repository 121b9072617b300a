"""Readers and writers for the files Common Measure exchanges: CSV, XLSX, JSON, YAML."""
