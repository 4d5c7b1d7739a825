"""Run functions at the same moment in threads, each with its own database connection (the parallel tests)."""
import threading

from django.db import connection


def run_together(functions, *, timeout: float = 120) -> list[Exception]:
    """Start every function behind one barrier; return the exceptions they raised (refusals are often expected)."""
    barrier = threading.Barrier(len(functions))
    errors = []

    def run(function):
        try:
            barrier.wait()
            function()
        except Exception as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(function,)) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return errors
