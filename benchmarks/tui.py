"""Speed of `comprehend review`: time to first paint and to each screen, measured with
Textual's Pilot (headless, 160x48) in a fresh process per run, beside `git log --oneline |
head` in the same run as the floor (what any tool reading this history pays first).

Targets: first paint <= 1 s on the demo repository and <= 2 s on a generated 1,000-file
repository with a warm store; switching screens <= 100 ms. "first paint" is the first frame
(the Overview's layout, its data loading in a worker); "overview filled" is when its commit
summary is on screen. A switch has two figures:

- "in app": from the key event sent to the app to the first frame of the new screen handed
  to the terminal (App._display called with that screen): what a person waits for. The
  target applies to it. "UI CPU" is the CPU time the UI thread spent over the same span
  (time.thread_time): what the switch costs whatever else the machine runs, while the
  wall-clock figure grows with the load of the shared cores.
- "harness": Pilot's press and pause around the same switch. Pilot waits until the
  process looks idle, polling in 20 ms sleeps, so this is mostly the harness (a bare
  Textual app pays about as much).

"data" is when the screen's list is filled (the first visit loads it in a worker; later
visits keep it). Beside each, the same switches in a bare Textual app, measured alike."""

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


class FrameClock:
    """When each frame reached the (headless) terminal, and for which screen."""

    def __init__(self, app) -> None:
        self.frames: list[tuple[float, float, object]] = []
        display = app._display

        def timed(screen, renderable) -> None:  # runs on the UI thread
            self.frames.append((time.perf_counter(), time.thread_time(), screen))
            display(screen, renderable)

        app._display = timed

    def first_frame_of(self, screen, since: float) -> tuple[float, float] | None:
        return next(((t, cpu) for t, cpu, s in self.frames if s is screen and t >= since), None)


async def switch(app, pilot, clock: FrameClock, key: str) -> tuple[float, float, float]:
    """(in app, UI thread CPU in app, harness) seconds for one screen switch."""
    start, cpu = time.perf_counter(), time.thread_time()  # the test runs on the UI thread
    await pilot.press(key)
    await pilot.pause()
    harness = time.perf_counter() - start
    frame = clock.first_frame_of(app.screen, start)
    while frame is None:  # not drawn yet when Pilot thought the app idle: wait for it
        await asyncio.sleep(0.001)
        frame = clock.first_frame_of(app.screen, start)
    return frame[0] - start, frame[1] - cpu, harness


def loaded(app, mode: str) -> bool:
    screen = app.screen
    if mode == "overview":
        return getattr(screen, "overview", None) is not None
    return getattr(screen, "view", None) is not None


async def _measure(path: str, started: float) -> dict:
    from comprehend.tui.app import ReviewApp
    from comprehend.workspace import open_workspace

    app = ReviewApp(open_workspace(path))
    clock = FrameClock(app)
    figures: dict = {}
    async with app.run_test(size=(160, 48)) as pilot:
        figures["first paint"] = time.time() - started
        figures["first paint cpu"] = time.process_time()
        while not loaded(app, "overview"):
            await asyncio.sleep(0.002)
        figures["overview filled"] = time.time() - started
        await app.workers.wait_for_complete()  # the Overview's worker, the screens composed
        await pilot.pause()  # and what the workers handed to the UI thread, drawn
        for visit in ("first", "again"):
            for key, mode in SCREENS:
                start = time.perf_counter()
                in_app, cpu, harness = await switch(app, pilot, clock, key)
                while not loaded(app, mode):
                    await asyncio.sleep(0.002)
                figures[f"{visit} {mode}"] = (in_app, cpu, harness, time.perf_counter() - start)
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
    clock = FrameClock(app)
    figures = {}
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        for visit in ("first", "again"):
            for key, mode in SCREENS:
                figures[f"{visit} {mode}"] = await switch(app, pilot, clock, key)
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

    def median(rows: list[dict], key: str, i: int | None = None) -> float:
        return statistics.median(r[key] if i is None else r[key][i] for r in rows)

    med = {key: median(results, key) for key in ("first paint", "first paint cpu", "overview filled")}
    load = os.getloadavg()[0]
    print(f"\n{name}: {path}  (median of {runs} runs, warm store; load average {load:.1f} "
          f"on {os.cpu_count()} cores)")
    print(f"  {'git log --oneline | head':<28}{floor:>8.3f} s   (floor)")
    print(f"  {'first paint':<28}{med['first paint']:>8.3f} s   target <= {TARGET_FIRST_PAINT[name]:.1f} s"
          f"   ({med['first paint cpu']:.3f} s of CPU in the process)")
    print(f"  {'overview filled':<28}{med['overview filled']:>8.3f} s")
    ok = med["first paint"] <= TARGET_FIRST_PAINT[name]
    print(f"  {'switch, ms':<24}{'in app':>7}{'bare':>6}  {'UI CPU':>7}{'bare':>6}  "
          f"{'harness':>8}{'bare':>6}  {'data':>6}   (target: in app <= {TARGET_SWITCH * 1000:.0f} ms)")
    for visit in ("first", "again"):
        for _key, mode in SCREENS:
            key = f"{visit} {mode}"
            ours = [1000 * median(results, key, i) for i in range(4)]  # in app, CPU, harness, data
            floor = [1000 * median(bare, key, i) for i in range(3)]
            print(f"  {f'{visit} visit to {mode}':<24}{ours[0]:>7.0f}{floor[0]:>6.0f}  "
                  f"{ours[1]:>7.0f}{floor[1]:>6.0f}  {ours[2]:>8.0f}{floor[2]:>6.0f}  {ours[3]:>6.0f}")
            ok = ok and ours[0] <= TARGET_SWITCH * 1000
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
