"""Running one piece of work in N processes at once, each with its own database connection, and timing it.

Used by bench/doses.py and bench/registrations.py. The processes are forked from the set-up process after it
closed its connections, so each opens its own; they start together at a barrier, each times every call it
makes, and the figure is the calls of all of them divided by the time from the first start to the last end.
"""
import multiprocessing
import statistics
import time
import traceback
from dataclasses import dataclass


@dataclass
class Run:
    calls: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.calls / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def describe(self, unit: str) -> str:
        return (f"{self.per_second:>9,.0f} {unit}/s  ({self.calls:,} in {self.seconds:6.2f} s; "
                f"p50 {self.percentile(0.5) * 1000:6.1f} ms, p99 {self.percentile(0.99) * 1000:7.1f} ms)")


def _child(work, chunk, barrier, results) -> None:
    from django.db import connections

    try:
        latencies = []
        barrier.wait()
        started = time.perf_counter()
        for item in chunk:
            begun = time.perf_counter()
            work(item)
            latencies.append(time.perf_counter() - begun)
        results.put(("ok", started, time.perf_counter(), latencies))
    except BaseException:  # noqa: BLE001 - reported to the parent, which stops the benchmark
        results.put(("error", traceback.format_exc(), 0, []))
    finally:
        connections.close_all()


def run_parallel(work, chunks: list[list]) -> Run:
    """Call `work(item)` for every item, one process per chunk, all at once."""
    from django.db import connections

    connections.close_all()  # a forked child must never share the parent's connection
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(len(chunks)), context.Queue()
    processes = [context.Process(target=_child, args=(work, chunk, barrier, results)) for chunk in chunks]
    for process in processes:
        process.start()
    outcomes = [results.get() for _ in processes]
    for process in processes:
        process.join()
    errors = [outcome[1] for outcome in outcomes if outcome[0] == "error"]
    if errors:
        raise RuntimeError("a worker failed:\n" + errors[0])
    # perf_counter is the same monotonic clock in every process of one machine.
    start, end = min(o[1] for o in outcomes), max(o[2] for o in outcomes)
    latencies = [latency for outcome in outcomes for latency in outcome[3]]
    return Run(calls=len(latencies), seconds=end - start, latencies=latencies)


def run_serial(work, items: list) -> Run:
    """Call `work(item)` for every item in this process."""
    latencies = []
    started = time.perf_counter()
    for item in items:
        begun = time.perf_counter()
        work(item)
        latencies.append(time.perf_counter() - begun)
    return Run(calls=len(latencies), seconds=time.perf_counter() - started, latencies=latencies)


def split(items: list, parts: int) -> list[list]:
    return [items[index::parts] for index in range(parts)]


def median_run(runs: list[Run]) -> Run:
    """The run with the median throughput (figures on a shared machine are noisy)."""
    return sorted(runs, key=lambda run: run.per_second)[len(runs) // 2]


def median(values: list[float]) -> float:
    return statistics.median(values)
