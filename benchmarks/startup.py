"""Start-up time of `comprehend --help` beside `python -c pass`, in the same run.

Target: median <= 0.15 s on the 2-core reference machine. Uses the venv's own
`comprehend` script (a pyenv shim in front of python would add ~0.12 s to both)."""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_SECONDS = 0.15


def median_seconds(argv: list[str], runs: int) -> float:
    subprocess.run(argv, capture_output=True, check=True)  # warm the page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    script = Path(sys.executable).parent / "comprehend"
    if not script.exists():
        found = shutil.which("comprehend")
        if found is None:
            print("comprehend is not installed in this environment; run `make bench`", file=sys.stderr)
            return 2
        script = Path(found)
    ours = median_seconds([str(script), "--help"], args.runs)
    bare = median_seconds([sys.executable, "-c", "pass"], args.runs)
    print(f"{'command':<28}{'median s':>10}{'ratio':>8}")
    print(f"{'python -c pass':<28}{bare:>10.3f}{1.0:>8.2f}")
    print(f"{'comprehend --help':<28}{ours:>10.3f}{ours / bare:>8.2f}")
    verdict = "meets" if ours <= TARGET_SECONDS else "MISSES"
    print(f"target <= {TARGET_SECONDS:.2f} s: {verdict} ({ours:.3f} s)")
    return 0 if ours <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
