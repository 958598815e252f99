"""Shared timing and reporting for the benchmark suite.

Every row times fastscope and its peers in the same process, interleaved
(round-robin: fastscope, peer A, peer B, fastscope, ...), and reports the
median of the repeats, so a noisy neighbour hurts all columns alike. Ratios are
peer_time / fastscope_time: above 1 means fastscope is faster.
"""
import gc
import statistics
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, Optional


@dataclass
class Row:
    """One benchmark line: median seconds per call for fastscope and each peer."""
    group: str
    name: str
    fastscope: float
    peers: Dict[str, float] = field(default_factory=dict)
    goal: str = ""           # e.g. ">=50x tensorflow"
    note: str = ""           # e.g. "tensorflow not installed"
    unit: str = "s"          # what fastscope/peers measure (s, or e.g. "MiB" for memory rows)

    def ratio(self, peer: str) -> Optional[float]:
        t = self.peers.get(peer)
        if t is None or not self.fastscope:
            return None
        return t / self.fastscope


def time_interleaved(cases: Dict[str, Callable[[], object]], repeats: int = 7,
                     number: int = 1, setup: Optional[Callable[[], object]] = None,
                     max_seconds: float = 20.0) -> Dict[str, float]:
    """Median seconds per call of each case, measured round-robin.

    Args:
      cases: label -> zero-argument callable. Each is called once first (warm-up).
      repeats: rounds; each round times every case once.
      number: calls per timing (the time is divided by it).
      setup: called before every timed block (not timed).
      max_seconds: stop adding rounds once this much wall time is spent (at least 3 rounds).

    The garbage collector runs (untimed) before every timed block, so that one
    case's garbage (TensorFlow's graphs are large and cyclic) is not collected on
    another case's clock.
    """
    for fn in cases.values():
        if setup:
            setup()
        fn()
    samples = {k: [] for k in cases}
    start = time.perf_counter()
    for r in range(repeats):
        for label, fn in cases.items():
            if setup:
                setup()
            gc.collect()
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            samples[label].append((time.perf_counter() - t0) / number)
        if r >= 2 and time.perf_counter() - start > max_seconds:
            break
    return {k: statistics.median(v) for k, v in samples.items()}


def fmt_time(t: Optional[float]) -> str:
    if t is None:
        return "-"
    if t >= 1:
        return f"{t:.2f} s"
    if t >= 1e-3:
        return f"{t * 1e3:.2f} ms"
    return f"{t * 1e6:.2f} us"


def render(rows, peers_order=("numpy", "scipy", "tensorflow", "torch")) -> str:
    """A plain-text table: one line per row, a time column per peer and its ratio."""
    peers = [p for p in peers_order if any(p in r.peers for r in rows)]
    peers += sorted({p for r in rows for p in r.peers} - set(peers))
    header = ["group", "benchmark", "fastscope"]
    for p in peers:
        header += [p, f"x vs {p}"]
    header += ["goal", "note"]
    lines = [header]
    for r in rows:
        if r.unit == "s":
            cells = [r.group, r.name, fmt_time(r.fastscope)]
        else:
            cells = [r.group, r.name, f"{r.fastscope:.1f} {r.unit}"]
        for p in peers:
            t = r.peers.get(p)
            ratio = r.ratio(p)
            if r.unit == "s":
                cells += [fmt_time(t), f"{ratio:.2f}x" if ratio else "-"]
            else:
                cells += [f"{t:.1f} {r.unit}" if t is not None else "-",
                          f"{ratio:.2f}x" if ratio else "-"]
        cells += [r.goal, r.note]
        lines.append(cells)
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    out = []
    for j, line in enumerate(lines):
        out.append("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip())
        if j == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)
