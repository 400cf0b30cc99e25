"""Run every benchmark, each in its own process: `python -m benchmarks [--full] [NAME...]`.

By default each runs at a size that finishes in about a minute on a 2-core machine, to show
the numbers move the right way; `--full` runs the sizes the README's figures come from
(a million claims or decisions: an hour or more). A NAME (`ledger`, `bench_links`) runs only
that one. A benchmark that fails is reported and the rest still run; the exit code says so.
"""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Arguments per benchmark: (quick, full). A benchmark not listed runs with its own defaults.
SIZES = {
    "bench_ingest": (["1000"], ["5000"]),
    "bench_ledger": (["20000"], ["1000000"]),
    "bench_exports": (["10000"], ["100000"]),
    "bench_audit": (["20000", "--repeat", "3"], ["1000000"]),
    "bench_links": (["20000"], ["1000000"]),
    "bench_review": (["1000"], ["10000"]),
    "bench_timeline": (["500"], ["500"]),
    "bench_labelstudio": (["files", "1000"], ["files", "10000"]),
    "bench_jobs": (["500"], ["100000"]),
    "bench_entities": (["20000"], ["1000000"]),
}


def chosen(names: list[str]) -> list[str]:
    found = sorted(p.stem for p in HERE.glob("bench_*.py"))
    wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in names}
    unknown = wanted - set(found)
    if unknown:
        raise SystemExit(f"no benchmark named {', '.join(sorted(unknown))}; there are: {', '.join(found)}")
    return [n for n in found if not wanted or n in wanted]


def main(argv: list[str]) -> int:
    full = "--full" in argv
    failed = []
    for name in chosen([a for a in argv if a != "--full"]):
        args = SIZES.get(name, ([], []))[1 if full else 0]
        print(f"\n== {name} {' '.join(args)}", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", f"benchmarks.{name}", *args], cwd=HERE.parent)
        print(f"-- {name}: {'ok' if code == 0 else f'FAILED (exit {code})'} in {time.perf_counter() - start:.0f} s", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
