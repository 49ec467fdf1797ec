"""A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions API, with scripted
answers, for tests and benchmarks of the LLM critic. It keeps the raw bytes of every request
it received, so a test can check what left the machine."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Answer:
    """One scripted response: a chat answer, or an HTTP error, optionally after a delay."""

    content: str = ""
    status: int = 200
    delay: float = 0.0
    prompt_tokens: int = 900
    completion_tokens: int = 300


@dataclass
class ScriptedServer:
    script: list[Answer] = field(default_factory=list)
    default: Answer | None = None  # when the script is used up
    received: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with owner._lock:
                    owner.received.append(body)
                    answer = owner.script.pop(0) if owner.script else owner.default
                if answer is None:
                    answer = Answer(status=500, content="script exhausted")
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.status != 200:
                    data = json.dumps({"error": {"message": answer.content or "error",
                                                 "type": "scripted"}}).encode()
                    self.send_response(answer.status)
                    self.send_header("Retry-After", "0")
                else:
                    data = json.dumps({
                        "id": "chatcmpl-test", "object": "chat.completion", "created": 1,
                        "model": json.loads(body).get("model", "scripted"),
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": answer.content}}],
                        "usage": {"prompt_tokens": answer.prompt_tokens,
                                  "completion_tokens": answer.completion_tokens,
                                  "total_tokens": answer.prompt_tokens + answer.completion_tokens},
                    }).encode()
                    self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a scripted timeout)

            def log_message(self, *args) -> None:
                pass

        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}/v1"

    @property
    def requests(self) -> int:
        return len(self.received)

    def messages(self, index: int = -1) -> list[dict]:
        return json.loads(self.received[index])["messages"]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def claims(*defects: dict) -> str:
    return json.dumps({"defects": list(defects)})
