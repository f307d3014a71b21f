"""Benchmarks of the portal (``make bench``): every figure beside a baseline measured in the same run.

Not a test suite: it lives outside ``tests/`` and asserts nothing about absolute times; it prints
ratios against baselines and whether each issue-5 target was met on this machine.
"""
