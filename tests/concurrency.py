"""Running callables at the same moment in threads, for the tests of row locks and concurrent jobs (PostgreSQL)."""

import threading

from django.db import connection


def run_together(functions, *, timeout: float = 60):
    """Start the callables at the same moment in threads; return each one's result or exception."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait(timeout=10)
            results[index] = function()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
