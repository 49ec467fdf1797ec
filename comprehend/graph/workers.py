"""Forked worker processes that take tasks from one shared queue: how a cold build parses
on every core.

The parent prepares everything first (compiled grammars and queries, the task list) and
the workers inherit it through fork: they start in a few milliseconds with nothing to
import, and no task crosses a process boundary, only its index. The queue is a pipe of
4-byte indices written before the first fork, so a worker on a busy core simply takes
fewer tasks. Results come back marshalled (both ends run the same interpreter) through
each worker's own pipe, as they are done. Fork is unsafe with macOS system libraries, so
this is for Linux; callers check `AVAILABLE`."""

from __future__ import annotations

import marshal
import os
import selectors
import signal
import struct
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, TypeVar

AVAILABLE = sys.platform.startswith("linux")
# Tasks the queue pipe holds (4 bytes each) while nobody reads it yet: Linux pipes buffer
# 64 KiB, and the queue is filled before the workers exist.
MAX_TASKS = 8192

_INDEX = struct.Struct("<I")
_LENGTH = struct.Struct("<I")  # of one marshalled (index, result) on a result pipe

Task = TypeVar("Task")
State = TypeVar("State")


def run_forked(
    tasks: Sequence[Task],
    count: int,
    work: Callable[[State, Task], Any],
    open_state: Callable[[], AbstractContextManager[State]],
) -> Iterator[tuple[int, Any]]:
    """(index, work(state, task)) for the tasks, computed by `count` forked workers, in the
    order they finish. Each worker enters `open_state()` once and keeps it for all its
    tasks. Results must be marshallable. The tasks of a worker that died (killed, out of
    memory) are not yielded: the caller does those itself, where an error has a
    traceback. Closing the iterator (ctrl-c included) kills the workers."""
    if len(tasks) > MAX_TASKS:
        raise ValueError(f"{len(tasks)} tasks; at most {MAX_TASKS} fit the queue")
    queue, filler = os.pipe()
    try:
        _write_all(filler, b"".join(_INDEX.pack(index) for index in range(len(tasks))))
    finally:
        os.close(filler)  # the workers see the end of the queue once it is empty
    workers: dict[int, int] = {}  # read end of a worker's result pipe -> its pid
    try:
        for _ in range(count):
            readable, writable = os.pipe()
            try:
                pid = os.fork()
            except OSError:  # no more processes: the caller does the rest
                os.close(readable)
                os.close(writable)
                break
            if pid == 0:
                os.close(readable)
                for other in workers:
                    os.close(other)
                _work(tasks, work, open_state, queue, writable)  # never returns
            os.close(writable)
            workers[readable] = pid
        os.close(queue)
        queue = -1
        yield from _receive(workers)
    finally:
        if queue >= 0:
            os.close(queue)
        for readable, pid in workers.items():  # left only after an error or ctrl-c
            _stop(pid)
            os.close(readable)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _work(tasks, work, open_state, queue: int, writable: int) -> None:
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles ctrl-c and stops us
        with os.fdopen(writable, "wb") as out, open_state() as state:
            while True:
                taken = os.read(queue, _INDEX.size)  # 4 bytes or none: every read is whole
                if not taken:
                    break
                (index,) = _INDEX.unpack(taken)
                payload = marshal.dumps((index, work(state, tasks[index])))
                out.write(_LENGTH.pack(len(payload)))
                out.write(payload)
                out.flush()
        status = 0
    finally:
        os._exit(status)  # never the parent's cleanup (its store, its progress bar)


def _receive(workers: dict[int, int]) -> Iterator[tuple[int, Any]]:
    """Results from every worker as they arrive; a worker is reaped at its end of file."""
    buffers = {readable: bytearray() for readable in workers}
    with selectors.DefaultSelector() as selector:
        for readable in workers:
            selector.register(readable, selectors.EVENT_READ)
        while buffers:
            for key, _ in selector.select():
                readable = key.fd
                chunk = os.read(readable, 1 << 20)
                if not chunk:
                    selector.unregister(readable)
                    del buffers[readable]
                    os.close(readable)
                    os.waitpid(workers.pop(readable), 0)
                    continue
                buffer = buffers[readable]
                buffer += chunk
                while len(buffer) >= _LENGTH.size:
                    (size,) = _LENGTH.unpack_from(buffer)
                    end = _LENGTH.size + size
                    if len(buffer) < end:
                        break
                    result = marshal.loads(bytes(buffer[_LENGTH.size:end]))
                    del buffer[:end]
                    yield result


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
