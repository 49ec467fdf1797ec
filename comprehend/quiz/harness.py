"""The program the quiz runner starts in the repository's own Python (as `python -c`, so the
copy's root is sys.path[0], as for anyone running evidence from the repository root).

It is never imported by comprehend and imports only the standard library: the interpreter it
runs in may have no comprehend installed. It reads one job (JSON) on stdin, limits its own
resources, watches what the code does through an audit hook (network, file writes, new
processes), runs either a snippet or one function call, and writes one JSON result line
after MARKER on its real stdout. Printed output is captured, not passed through."""

import builtins
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import inspect
import io
import itertools
import json
import os
import resource
import signal
import sys
import time

MARKER = "\x00comprehend-quiz-result\x00"
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_FILE_EVENTS = {"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
                "os.link", "os.symlink", "os.truncate", "os.utime", "shutil.rmtree",
                "shutil.copyfile", "shutil.move", "os.replace"}
_PROCESS_EVENTS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
                   "os.fork", "os.forkpty", "os.startfile", "pty.spawn"}
_SIMPLE = (int, float, str, bytes, bool, type(None))
_MAX_EVENTS = 5000
_MAX_ITEMS = 20
# What an argument may call (as callsites.PURE_BUILTINS).
_PURE_BUILTINS = ("range", "iter", "list", "tuple", "set", "frozenset", "dict", "str", "int",
                  "float", "bool", "bytes", "sorted", "reversed", "enumerate", "zip")

flags = []  # what the audit hook saw: "network", "file write", "process"
watching = [False]


class TooSlow(BaseException):
    """Raised by the alarm: a BaseException, so the code's own `except Exception` cannot eat it."""


def _audit(event, args):
    if not watching[0]:
        return
    reason = None
    if event.startswith("socket.") and event not in ("socket.__new__", "socket.gethostname"):
        reason = "network"
    elif event == "open" and len(args) >= 3:
        mode, oflags = args[1], args[2]
        if (isinstance(mode, str) and any(c in mode for c in "wax+")) or \
                (isinstance(oflags, int) and oflags & _WRITE_FLAGS):
            reason = "file write"
    elif event in _FILE_EVENTS:
        reason = "file write"
    elif event in _PROCESS_EVENTS or event.startswith("os.exec") or event.startswith("os.spawn"):
        reason = "process"
    if reason:
        if reason not in flags:
            flags.append(reason)
        watching[0] = False  # raising below may run code that trips the hook again
        try:
            raise PermissionError(f"comprehend quiz sandbox: {reason} refused ({event})")
        finally:
            watching[0] = True


def _limits(job):
    seconds = int(job.get("cpu_seconds", 20))
    memory = int(job.get("memory_bytes", 2 << 30))
    for name, value in (("RLIMIT_CPU", seconds), ("RLIMIT_AS", memory),
                        ("RLIMIT_FSIZE", 1 << 20), ("RLIMIT_CORE", 0)):
        limit = getattr(resource, name, None)
        if limit is not None:
            try:
                resource.setrlimit(limit, (value, value))
            except (ValueError, OSError):
                pass


class _Override(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Whoever imports the module (a package's `from .module import *` too) gets it run
    from the replacement text (a mutant) under its real file name."""

    def __init__(self, name, source):
        self.name, self.source = name, source

    def find_spec(self, name, path, target=None):
        if name != self.name:
            return None
        found = importlib.machinery.PathFinder.find_spec(name, path)
        if found is None or not found.origin:
            return None
        return importlib.util.spec_from_file_location(
            name, found.origin, loader=self,
            submodule_search_locations=found.submodule_search_locations)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(compile(self.source, module.__spec__.origin, "exec"), module.__dict__)


def _load_override(override):
    sys.meta_path.insert(0, _Override(override["module"], override["source"]))
    importlib.import_module(override["module"])


def simple(value, depth=0):
    """A value a quiz can show as a literal: its repr reads back as an equal value."""
    if isinstance(value, _SIMPLE):
        return not isinstance(value, float) or value == value
    if depth > 3:
        return False
    if isinstance(value, (list, tuple, set, frozenset)):
        return len(value) <= _MAX_ITEMS and all(simple(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return len(value) <= _MAX_ITEMS and all(simple(k, depth + 1) and simple(v, depth + 1)
                                        for k, v in value.items())
    return False


def _relative(path, root):
    try:
        rel = os.path.relpath(os.path.realpath(path), root)
    except ValueError:
        return None
    return None if rel.startswith("..") else rel


class Tracer:
    """Line events of the outermost frame of the traced function (its simple locals after
    each step), and where each exception seen anywhere in the repository was first raised."""

    def __init__(self, code, root):
        self.code = code
        self.root = root
        self.events = []
        self.origins = {}  # id(exception) -> [type, file, line]
        self.top = None
        self.overflow = False

    def _local(self, frame, event, arg):
        if event == "exception":
            self._exception(frame, arg)
        if frame is self.top and event in ("line", "return"):
            if len(self.events) >= _MAX_EVENTS:
                self.overflow = True
            else:
                # None: bound to a value too complex to show
                names = {k: repr(v) if simple(v) else None for k, v in frame.f_locals.items()}
                self.events.append([event, frame.f_lineno, names])
        if frame is self.top and event == "exception":
            origin = self.origins.get(id(arg[1]))
            self.events.append(["exception", frame.f_lineno, {"origin": origin}])
        return self._local

    def _exception(self, frame, arg):
        key = id(arg[1])
        if key not in self.origins:
            rel = _relative(frame.f_code.co_filename, self.root)
            if rel is not None:
                self.origins[key] = [arg[0].__name__, rel, frame.f_lineno]

    def __call__(self, frame, event, arg):
        if self.top is None and frame.f_code is self.code:
            self.top = frame
            return self._local
        if _relative(frame.f_code.co_filename, self.root) is not None:
            return self._local
        return None


def _innermost_in_repo(tb, root):
    found = None
    while tb is not None:
        rel = _relative(tb.tb_frame.f_code.co_filename, root)
        if rel is not None and not rel.startswith("<"):
            found = [rel, tb.tb_lineno]
        tb = tb.tb_next
    return found


def _call(job, result, root):
    call = job["call"]
    module = importlib.import_module(call["module"])
    function = module
    for part in call["function"].split("."):
        function = getattr(function, part)
    pure = {"__builtins__": {name: getattr(builtins, name) for name in _PURE_BUILTINS}}
    args = eval(call.get("args", "()"), pure)  # literals and the pure builtins only
    kwargs = eval(call.get("kwargs", "{}"), pure)
    code = getattr(inspect.unwrap(function), "__code__", None)
    tracer = Tracer(code, root) if job.get("trace") else None
    seconds = float(job.get("call_seconds", 1.0))
    signal.signal(signal.SIGALRM, _alarm)
    started = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    watching[0] = True
    if tracer is not None:
        sys.settrace(tracer)
    try:
        value = function(*args, **kwargs)
        if call.get("consume"):
            # One item past what a choice can show: refused as too complex, never run on
            # to the end of an endless generator.
            value = list(itertools.islice(value, _MAX_ITEMS + 1))
    except TooSlow:
        sys.settrace(None)
        result["slow"] = True
        return
    except Exception as exc:  # the call's own exception is the result
        sys.settrace(None)
        result["exception"] = type(exc).__name__
        result["exception_line"] = _innermost_in_repo(exc.__traceback__, root)
        result["message"] = str(exc)[:200]
    else:
        sys.settrace(None)
        result["simple"] = simple(value)
        result["value"] = repr(value) if result["simple"] else type(value).__name__
    finally:
        watching[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        result["seconds"] = time.perf_counter() - started
    if tracer is not None:
        result["events"] = tracer.events
        result["overflow"] = tracer.overflow


def _alarm(signum, frame):
    raise TooSlow()


def _snippet(job, result):
    seconds = float(job.get("call_seconds", 1.0))
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    watching[0] = bool(job.get("audit", True))
    try:
        exec(compile(job["code"], "<evidence>", "exec"), {"__name__": "__main__"})
    except TooSlow:
        result["slow"] = True
    except BaseException as exc:  # noqa: BLE001 - reported, not swallowed
        result["exception"] = type(exc).__name__
        result["message"] = str(exc)[:200]
    finally:
        watching[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)


def main():
    job = json.loads(sys.stdin.read())
    real_stdout = sys.stdout
    _limits(job)
    root = os.path.realpath(os.getcwd())
    result = {}
    captured = io.StringIO()
    sys.stdout = sys.stderr = captured
    sys.addaudithook(_audit)
    try:
        if job.get("override"):
            _load_override(job["override"])
        if "call" in job:
            _call(job, result, root)
        else:
            _snippet(job, result)
    except TooSlow:
        result["slow"] = True
    except BaseException as exc:  # noqa: BLE001 - an import that fails is a result too
        result["setup_error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
    sys.stdout, sys.stderr = real_stdout, sys.__stderr__
    result["output"] = captured.getvalue()[-1_000_000:]
    result["flags"] = flags
    real_stdout.write(MARKER + json.dumps(result) + "\n")
    real_stdout.flush()
    os._exit(0)  # no atexit handler of the code under test runs after the result


if __name__ == "__main__":
    main()
