"""Which processes used the CPU during a measurement: gunicorn workers, PostgreSQL, nginx, the load.

    CPU0=$(python bench/cpu_split.py snapshot)
    … the measurement …
    python bench/cpu_split.py report "$CPU0" SECONDS ORDERS

Reads utime + stime of every process from /proc (Linux) and groups them by command name; the
report gives CPU seconds per group and CPU milliseconds per order, user and system (kernel).
"""

from __future__ import annotations

import json
import os
import sys

GROUPS = {"gunicorn": "app (gunicorn workers)", "python": "app (gunicorn workers)",
          "postgres": "PostgreSQL", "wrk": "load (wrk)", "nginx": "nginx", "redis": "Redis"}


def snapshot() -> dict[str, list[float]]:
    ticks = os.sysconf("SC_CLK_TCK")
    used: dict[str, list[float]] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
                raw = stat.read()
        except OSError:
            continue
        name = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        group = next((label for prefix, label in GROUPS.items() if name.startswith(prefix)), "other")
        used[f"{pid}:{group}"] = [int(fields[11]) / ticks, int(fields[12]) / ticks]
    return used


def report(before: dict[str, list[float]], seconds: float, orders: int) -> None:
    after = snapshot()
    per_group: dict[str, list[float]] = {}
    for key, (user, system) in after.items():
        group = key.split(":", 1)[1]
        was_user, was_system = before.get(key, (0.0, 0.0))
        sums = per_group.setdefault(group, [0.0, 0.0])
        sums[0] += user - was_user
        sums[1] += system - was_system
    total = sum(sum(pair) for pair in per_group.values())
    cores = os.cpu_count() or 1
    print(f"CPU over {seconds:.0f} s: {total:.1f} s of {seconds * cores:.0f} s available "
          f"({cores} cores)")
    for group, (user, system) in sorted(per_group.items(), key=lambda item: -sum(item[1])):
        used = user + system
        print(f"  {group:26s} {used:6.1f} s  {1000 * used / max(orders, 1):6.2f} ms per order "
              f"(user {1000 * user / max(orders, 1):.2f}, system {1000 * system / max(orders, 1):.2f})")


if __name__ == "__main__":
    if sys.argv[1] == "snapshot":
        json.dump(snapshot(), sys.stdout)
    else:
        report(json.loads(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))
