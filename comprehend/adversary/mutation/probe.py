"""comprehend's pytest probe, loaded into a test process in the sandbox as
`-p _comprehend_probe` (sandbox.py copies this file there). It never runs inside
comprehend, and imports nothing of it: the tested project's Python may not have it.

COMPREHEND_PROBE_MODE says what to do:
  baseline  record each test's outcome and duration, and per-line coverage of the files to
            mutate with coverage.py dynamic contexts (one context per test)
  select    run only the tests listed in COMPREHEND_PROBE_ORDER, in that order
  serve     collect once, then for each job read from a pipe, fork a child that swaps the
            mutated functions' code in and runs the job's tests, stopping at the first failure
Every mode writes what it saw as JSON to COMPREHEND_PROBE_OUT (serve: one line per job)."""

from __future__ import annotations

import json
import os
import signal
import sys
import time

import pytest

MODE = os.environ.get("COMPREHEND_PROBE_MODE", "")
OUT = os.environ.get("COMPREHEND_PROBE_OUT", "")
ROOT = os.path.realpath(os.environ.get("COMPREHEND_PROBE_ROOT", os.getcwd()))

# Exit codes of a serve child, read by the server.
SURVIVED, KILLED, CANNOT_SWAP = 0, 1, 3


def _die_with_parent() -> None:
    """If comprehend is killed (even with SIGKILL), its test processes go with it."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


_die_with_parent()

_state: dict = {"tests": {}, "failed": None, "ran": 0, "hits": {}, "current": "", "probe_errors": [],
                "unmeasured": []}
_cov = None
_cov_error = None


def _functions_to_probe() -> dict:
    """{real path: {"scopes": [[qualname, first line], ...], "lines": [...]}}: functions
    whose changed lines get a probe instead of being traced."""
    return json.loads(os.environ.get("COMPREHEND_PROBE_FUNCTIONS") or "{}")


def _hit(path: str, lines: tuple) -> None:
    """Called by the probe placed before a changed statement."""
    per_line = _state["hits"].setdefault(path, {})
    test = _state["current"]
    for line in lines:
        per_line.setdefault(line, set()).add(test)


def pytest_collection_finish(session):
    """Once collection has imported the code, the changed functions get probed code."""
    if MODE != "baseline":
        return
    import builtins

    builtins.__comprehend_hit__ = _hit
    for path, spec in _functions_to_probe().items():
        try:
            _probe_functions(path, {(q, int(n)) for q, n in spec["scopes"]}, set(spec["lines"]))
        except (OSError, SyntaxError, ValueError) as exc:  # that file's lines stay unmeasured
            _state["probe_errors"].append(f"{os.path.basename(path)}: {exc}")


def _probe_functions(path: str, scopes: set, lines: set) -> None:
    """Recompile `path` with a call to __comprehend_hit__ before every statement that starts
    on (or whose header spans) a line in `lines`, keeping every line number, and give the
    live functions of `scopes` that code. Nothing else in the process is slowed down."""
    import ast

    rel = os.path.relpath(os.path.realpath(path), ROOT).replace(os.sep, "/")
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), path)

    def probe_for(stmt):
        body = getattr(stmt, "body", None)
        last = (body[0].lineno - 1) if isinstance(body, list) and body and isinstance(body[0], ast.stmt) \
            else (stmt.end_lineno or stmt.lineno)
        hit = sorted(n for n in range(stmt.lineno, max(stmt.lineno, last) + 1) if n in lines)
        if not hit:
            return None
        call = ast.Expr(ast.Call(ast.Name("__comprehend_hit__", ast.Load()),
                                 [ast.Constant(rel), ast.Constant(tuple(hit))], []))
        return ast.copy_location(call, stmt)

    def block(statements):
        out = []
        for stmt in statements:
            visit(stmt)
            probe = probe_for(stmt)
            if probe is not None and not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                out.append(probe)
            out.append(stmt)
        return out

    def visit(node):
        for field in ("body", "orelse", "finalbody"):
            value = getattr(node, field, None)
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                setattr(node, field, block(value))
        for child in getattr(node, "handlers", []) + getattr(node, "cases", []):
            child.body = block(child.body)

    visit(tree)
    ast.fix_missing_locations(tree)
    live = _live_functions(path, scopes)
    if not live:  # not imported at collection time: a test imports it later, unmeasured
        _state["unmeasured"].append(rel)
        return
    new_codes = _code_objects(compile(tree, live[0].__code__.co_filename, "exec", dont_inherit=True))
    for fn in live:
        new = new_codes.get((fn.__code__.co_qualname, fn.__code__.co_firstlineno))
        if new is not None and len(new.co_freevars) == len(fn.__code__.co_freevars):
            fn.__code__ = new


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """Coverage (for files with import-time mutants, measured whole) starts here, after
    pytest and its plugins are imported: it sees every test, and the imports collection
    triggers."""
    global _cov, _cov_error
    if MODE != "baseline":
        return
    include = [p for p in os.environ.get("COMPREHEND_PROBE_INCLUDE", "").split(os.pathsep) if p]
    if not include:
        return  # only probed functions to measure
    try:
        import coverage

        # No data file, no project .coveragerc: this measurement is comprehend's alone.
        _cov = coverage.Coverage(data_file=None, config_file=False, include=include)
        _cov.start()
    except Exception as exc:  # noqa: BLE001 - any failure only loses the coverage map
        _cov, _cov_error = None, f"{type(exc).__name__}: {exc}"


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # The project's own coverage plugin (pytest-cov) would pause ours and slow every run.
    namespace = early_config.known_args_namespace
    if getattr(namespace, "cov_source", None):
        namespace.cov_source = None
    yield


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    # pytest-xdist would run the tests in other processes, out of sight of coverage and of
    # the fork server: one process is what the measurements assume.
    if getattr(config.option, "dist", "no") != "no" or getattr(config.option, "numprocesses", None):
        config.option.dist = "no"
        config.option.numprocesses = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _state["current"] = item.nodeid
    if _cov is not None:
        _cov.switch_context(item.nodeid)
    yield
    _state["current"] = ""
    if _cov is not None:
        _cov.switch_context("")


def pytest_runtest_logreport(report):
    record = _state["tests"].setdefault(report.nodeid, ["passed", 0.0])
    record[1] += report.duration
    if report.failed:
        record[0] = "failed"
        if _state["failed"] is None:
            _state["failed"] = report.nodeid
    elif report.skipped and record[0] != "failed":
        record[0] = "skipped"
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _state["ran"] += 1


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    if MODE != "select":
        return
    with open(os.environ["COMPREHEND_PROBE_ORDER"], encoding="utf-8") as handle:
        order = json.load(handle)
    by_id = {item.nodeid: item for item in items}
    wanted = set(order)
    chosen = [by_id[n] for n in dict.fromkeys(order) if n in by_id]
    dropped = [item for item in items if item.nodeid not in wanted]
    items[:] = chosen
    if dropped:
        config.hook.pytest_deselected(items=dropped)


def _run_claimed(session) -> None:
    """A baseline split across processes: each takes the next test nobody has claimed yet
    (as pytest-xdist's `load` mode does), so one slow test does not hold the rest back."""
    claims = os.environ["COMPREHEND_PROBE_CLAIMS"]
    order = [[item] for item in session.items]
    position = [0]

    def claim() -> list:
        while position[0] < len(order):
            index = position[0]
            position[0] += 1
            try:
                os.close(os.open(os.path.join(claims, str(index)), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                continue
            return list(order[index])
        return []

    pending = claim()
    while pending:
        item = pending.pop(0)
        if not pending:
            pending = claim()  # before running: pytest tears fixtures down by the next item
        item.ihook.pytest_runtest_protocol(item=item, nextitem=pending[0] if pending else None)
        if session.shouldfail or session.shouldstop:
            break


def pytest_sessionfinish(session, exitstatus):
    if MODE == "baseline":
        _write({"tests": _state["tests"], "exit": int(exitstatus), **_coverage_map()})
    elif MODE == "select":
        _write({"failed": _state["failed"], "ran": _state["ran"], "exit": int(exitstatus)})


def _coverage_map() -> dict:
    """Lines -> tests: from the probes in changed functions, and from coverage.py's dynamic
    contexts for files measured whole."""
    lines: dict = {}
    import_lines: dict = {}

    def add(rel: str, number: int, contexts) -> None:
        tests = sorted(c for c in contexts if c)
        if tests:
            per_line = lines.setdefault(rel, {})
            per_line[str(number)] = sorted(set(per_line.get(str(number), [])) | set(tests))
        if "" in contexts:
            import_lines.setdefault(rel, []).append(number)

    for rel, per_line in _state["hits"].items():
        for number, contexts in per_line.items():
            add(rel, number, contexts)
    if _cov is not None:
        _cov.stop()
        data = _cov.get_data()
        for filename in data.measured_files():
            rel = os.path.relpath(os.path.realpath(filename), ROOT).replace(os.sep, "/")
            for number, contexts in (data.contexts_by_lineno(filename) or {}).items():
                add(rel, number, contexts)
    errors = ([_cov_error] if _cov_error else []) + _state["probe_errors"]
    return {"lines": lines, "import_lines": import_lines, "unmeasured": sorted(set(_state["unmeasured"])),
            "coverage_error": "; ".join(errors) or None}


def _write(data: dict) -> None:
    if OUT:
        tmp = OUT + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, OUT)


# --- serve mode ---------------------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    if MODE == "baseline" and os.environ.get("COMPREHEND_PROBE_CLAIMS"):
        if session.testsfailed or session.config.option.collectonly:
            return None  # collection errors: pytest's own loop reports them and stops
        _run_claimed(session)
        return True
    if MODE != "serve":
        return None
    jobs_fd, results_fd = (int(x) for x in os.environ["COMPREHEND_PROBE_FDS"].split(","))
    by_id = {item.nodeid: item for item in session.items}
    with os.fdopen(jobs_fd, "r", encoding="utf-8") as jobs, \
            os.fdopen(results_fd, "w", encoding="utf-8", buffering=1) as results:
        for line in jobs:
            if not line.strip():
                break
            job = json.loads(line)
            results.write(json.dumps(_serve(session, by_id, job)) + "\n")
    return True


def _serve(session, by_id: dict, job: dict) -> dict:
    items = [by_id.get(n) for n in job["tests"]]
    if not items or any(i is None for i in items):
        return {"id": job["id"], "status": "fallback", "reason": "tests not collected"}
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: swap, run, exit without pytest's teardown
        code = KILLED
        try:
            os.setpgid(0, 0)
            _die_with_parent()
            changed = _force_fail(job["file"]) if job.get("sanity") else _swap(job["file"], job["scopes"])
            if not changed:
                code = CANNOT_SWAP
            else:
                _state["child"] = job["out"]
                failed = _run_items(items)
                if failed is not None:
                    with open(job["out"], "w", encoding="utf-8") as handle:
                        handle.write(failed)
                code = KILLED if failed is not None else SURVIVED
        except BaseException:  # noqa: BLE001 - a crash while testing a mutant kills it
            code = KILLED
        finally:
            os._exit(code)
    status = _wait(pid, float(job["timeout"]))
    result = {"id": job["id"], "status": status, "seconds": round(time.monotonic() - started, 4)}
    if status == "killed" and os.path.exists(job["out"]):
        with open(job["out"], encoding="utf-8") as handle:
            result["failed"] = handle.read()
    return result


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_makereport(item, call):
    """In a serve child, the first failure is the verdict: exit before pytest formats a
    report (on a large test module that costs more than the test)."""
    if not _state.get("child"):
        return None
    excinfo = call.excinfo
    pending = getattr(item, "_excinfo", None)  # unittest keeps its failures here until now
    if excinfo is None and call.when == "call" and pending:
        excinfo = pending[0]
    if excinfo is not None and not excinfo.errisinstance((pytest.skip.Exception, pytest.xfail.Exception)):
        with open(_state["child"], "w", encoding="utf-8") as handle:
            handle.write(item.nodeid)
        os._exit(KILLED)
    return None


def _run_items(items: list) -> str | None:
    _state["failed"] = None
    for i, item in enumerate(items):
        nextitem = items[i + 1] if i + 1 < len(items) else None
        item.ihook.pytest_runtest_protocol(item=item, nextitem=nextitem)
        if _state["failed"] is not None:
            return _state["failed"]
    return None


def _live_functions(path: str, wanted: set | None) -> list:
    """Function objects defined in `path`, restricted to (qualname, first line) in `wanted`."""
    import gc
    import types

    real = os.path.realpath(path)
    same_file: dict[str, bool] = {}
    live = []
    for obj in gc.get_objects():
        if type(obj) is not types.FunctionType:
            continue
        code = obj.__code__
        if wanted is not None and (getattr(code, "co_qualname", None), code.co_firstlineno) not in wanted:
            continue
        name = code.co_filename
        if name not in same_file:
            same_file[name] = os.path.realpath(name) == real
        if same_file[name]:
            live.append(obj)
    return live


def _force_fail(path: str) -> bool:
    """The sanity run: every function of `path` raises. False when none is loaded here."""
    live = _live_functions(path, None)
    for fn in live:
        fn.__code__ = _raiser(len(fn.__code__.co_freevars))
    return bool(live)


def _raiser(free: int):
    """Code that raises, with as many free variables as the code it replaces (CPython
    refuses a __code__ whose closure size differs)."""
    names = [f"_v{i}" for i in range(free)]
    source = "def _outer():\n" + "".join(f"    {v} = None\n" for v in names)
    source += "    def _forced(*args, **kwargs):\n" + "".join(f"        {v}\n" for v in names)
    source += "        raise RuntimeError('comprehend: forced failure of the sanity run')\n"
    source += "    return _forced\n"
    namespace: dict = {}
    exec(compile(source, "<comprehend sanity run>", "exec"), namespace)
    return namespace["_outer"]().__code__


def _swap(path: str, scopes: list) -> bool:
    """Give the live functions of the mutated scopes the mutant's code. False when no live
    function matches (then the mutant runs in a fresh process instead)."""

    live = _live_functions(path, {(q, int(n)) for q, n in scopes})
    if not live:
        return False
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    new_codes = _code_objects(compile(source, live[0].__code__.co_filename, "exec", dont_inherit=True))
    for fn in live:
        new = new_codes.get((fn.__code__.co_qualname, fn.__code__.co_firstlineno))
        if new is None:
            return False
        try:
            fn.__code__ = new
        except ValueError:  # the mutant changed the closure's free variables
            return False
    return True


def _wait(pid: int, timeout: float) -> str:
    """killed, survived, timeout or fallback, from the child's exit."""
    status = None
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        import select

        try:
            ready, _, _ = select.select([fd], [], [], timeout)
        finally:
            os.close(fd)
        if ready:
            status = os.waitpid(pid, 0)[1]
    else:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = st
                break
            time.sleep(0.005)
    if status is None:
        for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                target()
            except OSError:
                pass
        os.waitpid(pid, 0)
        return "timeout"
    code = os.waitstatus_to_exitcode(status)
    if code == SURVIVED:
        return "survived"
    if code == CANNOT_SWAP:
        return "fallback"
    return "killed"


def _code_objects(module_code) -> dict:
    """Every function's code object inside a compiled module, by (qualname, first line): how
    a live function finds its replacement."""
    import types

    found = {}
    stack = [module_code]
    while stack:
        for const in stack.pop().co_consts:
            if isinstance(const, types.CodeType):
                found[(getattr(const, "co_qualname", None), const.co_firstlineno)] = const
                stack.append(const)
    return found
