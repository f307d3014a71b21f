"""Reads of the certification domain, scoped to what the user may see."""
