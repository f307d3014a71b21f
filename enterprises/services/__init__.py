"""Writes of the enterprises app: reference data, accounts and claims, and the registry import."""
