"""`make bench`: run every benchmark module and print its figures as ratios to a floor.

Each module under bench/ listed in MODULES exposes ``run() -> list[str]`` (the lines to print).
Select some with `python -m bench rush feeds`.
"""

import importlib
import sys
import time

MODULES = [
    "rush",
    "feeds",
    "reminders",
    "emails",
    "pages",
    "staff",
    "series",
    "consultations",
]


def main(argv: list[str]) -> int:
    wanted = argv or MODULES
    failed = 0
    for name in wanted:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bench.{name}":
                print(f"[{name}] not present, skipped")
                continue
            raise
        print(f"=== bench {name}")
        started = time.perf_counter()
        try:
            for line in module.run():
                print(f"[{name}] {line}", flush=True)
        except Exception as exc:  # report and go on with the other benchmarks
            failed += 1
            print(f"[{name}] FAILED: {exc.__class__.__name__}: {exc}", flush=True)
        print(f"[{name}] took {time.perf_counter() - started:.1f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
