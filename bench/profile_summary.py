"""Summarise a py-spy raw (collapsed stacks) profile: where the samples' time goes.

    .venv/bin/python bench/profile_summary.py bench/profiles/rush.txt [--top 25]

Prints the share of samples in which each function appears (inclusive) for our code, the
libraries and the interpreter's waits, so a missed target shows what to work on.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--packages", action="store_true",
                        help="only the share of request-handling samples per package (self time)")
    args = parser.parse_args()
    inclusive: Counter = Counter()
    leaf: Counter = Counter()
    total = 0
    with open(args.path, encoding="utf-8") as profile:
        lines = profile.readlines()
    for line in lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = [re.sub(r" \(.*?/(site-packages|lib/python3\.\d+|main)/", " (", frame)
                  for frame in stack.split(";")]
        for frame in set(frames):
            inclusive[frame] += samples
        leaf[frames[-1]] += samples
    if args.packages:
        print_packages(lines, args.top)
        return
    print(f"{total} samples")
    print("inclusive (a function and what it calls):")
    for frame, samples in inclusive.most_common(args.top):
        print(f"{100 * samples / total:5.1f}%  {frame}")
    print("self (the function itself):")
    for frame, samples in leaf.most_common(args.top):
        print(f"{100 * samples / total:5.1f}%  {frame}")


def print_packages(lines: list[str], top: int) -> None:
    """Self time of the samples inside a request (Flask.__call__), by the package of the
    function that was running: where a request's CPU goes, library by library."""
    packages: Counter = Counter()
    for line in lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if not count.isdigit() or "Flask.__call__" not in stack:
            continue
        found = re.search(r"\((.*?):\d+\)$", stack.split(";")[-1])
        path = found.group(1) if found else "?"
        path = re.sub(r"^.*?/(site-packages|lib/python3\.\d+)/", "", path)
        path = re.sub(r"^.*?/main/", "", path)
        packages[path.split("/")[0]] += int(count)
    total = sum(packages.values())
    print(f"{total} samples inside requests; self time by package:")
    for package, samples in packages.most_common(top):
        print(f"{100 * samples / total:5.1f}%  {package}")


if __name__ == "__main__":
    main()
