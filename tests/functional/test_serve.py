"""`comprehend serve` answers HTTP on 127.0.0.1 and a browser session, driven over its
websocket as textual-serve's page drives it, runs the review app."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(demo, clean_env):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "comprehend", "serve", str(demo.path),
                             "--port", str(port)], env=clean_env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield port, proc
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


async def session_output(port: int, keys: list[str], wait_for: list[bytes]) -> bytes:
    import aiohttp

    seen = b""
    async with aiohttp.ClientSession() as http, http.ws_connect(
            f"http://127.0.0.1:{port}/ws?width=100&height=30") as ws:
        pending = list(wait_for)
        deadline = time.monotonic() + 60
        while pending and time.monotonic() < deadline:
            try:
                message = await ws.receive(timeout=5)
            except TimeoutError:
                continue
            if message.type == aiohttp.WSMsgType.BINARY:
                seen += message.data
            elif message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                break
            if pending[0] in seen:
                pending.pop(0)
                if keys:
                    await ws.send_json(["stdin", keys.pop(0)])
        await ws.send_json(["stdin", "q"])
    return seen


@pytest.mark.slow
def test_serve_answers_http_and_runs_a_session(server, demo) -> None:
    port, _ = server
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
        page = response.read().decode()
    assert response.status == 200
    assert f"ws://127.0.0.1:{port}/ws" in page
    assert "comprehend: shopcart" in page
    output = asyncio.run(session_output(port, ["6"], [b"Overview", b"Team"]))
    assert b"Overview" in output and b"shopcart" in output
    assert b"Team" in output


def test_a_port_in_use_gets_one_line_and_exit_2(demo, clean_env) -> None:
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "comprehend", "serve", str(demo.path),
                               "--port", str(port)], env=clean_env, capture_output=True,
                              text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"comprehend: --host 127.0.0.1 --port {port}: cannot listen there")
    assert len(proc.stderr.strip().splitlines()) == 1

