"""Speed of `comprehend review`: time to first paint and to each screen, measured with
Textual's Pilot (headless, 160x48) in a fresh process per run, beside `git log --oneline |
head` in the same run as the floor (what any tool reading this history pays first).

Targets: first paint <= 1 s on the demo repository and <= 2 s on a generated 1,000-file
repository with a warm store; switching screens <= 100 ms. "first paint" is the first frame
(the Overview's layout, its data loading in a worker); "overview filled" is when its commit
summary is on screen. A switch is timed from the key to the new screen drawn; "data" to its
list filled (the first visit loads it in a worker; later visits keep it)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

TARGET_FIRST_PAINT = {"demo": 1.0, "1,000 files": 2.0}
TARGET_SWITCH = 0.1
SCREENS = (("2", "changes"), ("3", "graph"), ("4", "findings"), ("1", "overview"))


def loaded(app, mode: str) -> bool:
    screen = app.screen
    if mode == "overview":
        return getattr(screen, "overview", None) is not None
    return getattr(screen, "view", None) is not None


async def _measure(path: str, started: float) -> dict:
    from comprehend.tui.app import ReviewApp
    from comprehend.workspace import open_workspace

    app = ReviewApp(open_workspace(path))
    figures: dict = {}
    async with app.run_test(size=(160, 48)) as pilot:
        figures["first paint"] = time.time() - started
        figures["first paint cpu"] = time.process_time()
        while not loaded(app, "overview"):
            await asyncio.sleep(0.002)
        figures["overview filled"] = time.time() - started
        await app.workers.wait_for_complete()
        for visit in ("first", "again"):
            for key, mode in SCREENS:
                start, cpu = time.perf_counter(), time.process_time()
                await pilot.press(key)
                await pilot.pause()
                drawn, drawn_cpu = time.perf_counter() - start, time.process_time() - cpu
                while not loaded(app, mode):
                    await asyncio.sleep(0.002)
                figures[f"{visit} {mode}"] = (drawn, time.perf_counter() - start, drawn_cpu)
                await app.workers.wait_for_complete()
    return figures


async def _textual_floor() -> dict:
    """The same switches in a bare Textual app: four modes, each a Header, a 40-row
    DataTable and a Footer. What any Textual screen switch costs here, ours included."""
    from textual.app import App
    from textual.binding import Binding
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer, Header

    class Bare(Screen):
        def compose(self):
            yield Header()
            yield DataTable()
            yield Footer(compact=True)

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("a", "b", "c")
            for i in range(40):
                table.add_row(str(i), "x" * 30, "y" * 40)

    class BareApp(App):
        MODES = {key: Bare for key, _mode in SCREENS}
        DEFAULT_MODE = "1"
        BINDINGS = [Binding(key, f"switch_mode('{key}')", key) for key, _mode in SCREENS]

    app = BareApp()
    figures = {}
    async with app.run_test(size=(160, 48)) as pilot:
        for visit in ("first", "again"):
            for key, mode in SCREENS:
                start, cpu = time.perf_counter(), time.process_time()
                await pilot.press(key)
                await pilot.pause()
                figures[f"{visit} {mode}"] = (time.perf_counter() - start, 0.0,
                                              time.process_time() - cpu)
    return figures


def child(path: str, started: float) -> None:
    if path == "--floor":
        print(json.dumps(asyncio.run(_textual_floor())))
        return
    print(json.dumps(asyncio.run(_measure(path, started))))


def run_child(path: Path) -> dict:
    started = time.time()
    out = subprocess.run([sys.executable, __file__, "--child", str(path), str(started)],
                         capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return json.loads(out.stdout.strip().splitlines()[-1])


def git_floor(path: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run("git log --oneline | head", shell=True, cwd=path, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, path: Path, runs: int) -> bool:
    run_child(path)  # warm: the store learns the history, line attribution and graph
    results = [run_child(path) for _ in range(runs)]
    floor = git_floor(path, max(runs, 5))
    bare = [run_child(Path("--floor")) for _ in range(runs)]
    bare_med = {key: statistics.median(r[key][0] for r in bare) for key in bare[0]}
    bare_cpu = {key: statistics.median(r[key][2] for r in bare) for key in bare[0]}
    med = {key: statistics.median(r[key] if not isinstance(r[key], list) else r[key][0] for r in results)
           for key in results[0]}
    data = {key: statistics.median(r[key][1] for r in results) for key in results[0]
            if isinstance(results[0][key], list)}
    cpu = {key: statistics.median(r[key][2] for r in results) for key in results[0]
           if isinstance(results[0][key], list)}
    load = os.getloadavg()[0]
    print(f"\n{name}: {path}  (median of {runs} runs, warm store; load average {load:.1f} "
          f"on {os.cpu_count()} cores)")
    print(f"  {'git log --oneline | head':<28}{floor:>8.3f} s   (floor)")
    print(f"  {'first paint':<28}{med['first paint']:>8.3f} s   target <= {TARGET_FIRST_PAINT[name]:.1f} s"
          f"   ({med['first paint cpu']:.3f} s of CPU in the process)")
    print(f"  {'overview filled':<28}{med['overview filled']:>8.3f} s")
    ok = med["first paint"] <= TARGET_FIRST_PAINT[name]
    for visit in ("first", "again"):
        for _key, mode in SCREENS:
            label = f"{visit} visit to {mode}"
            drawn, filled = med[f"{visit} {mode}"], data[f"{visit} {mode}"]
            key = f"{visit} {mode}"
            print(f"  {label:<28}{drawn * 1000:>8.0f} ms drawn ({cpu[key] * 1000:.0f} ms CPU), "
                  f"{filled * 1000:>6.0f} ms data;  bare Textual app {bare_med[key] * 1000:.0f} ms "
                  f"({bare_cpu[key] * 1000:.0f} ms CPU)")
            ok = ok and drawn <= TARGET_SWITCH
    print(f"  targets: {'met' if ok else 'MISSED'}")
    return ok


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], float(sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from largerepo import build_large

    from comprehend.demo import build_demo

    with tempfile.TemporaryDirectory(prefix="comprehend-bench-tui-") as tmp:
        demo = build_demo(Path(tmp) / "shopcart").path
        large = build_large(Path(tmp) / "large")
        ok = report("demo", demo, args.runs)
        ok = report("1,000 files", large, args.runs) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
