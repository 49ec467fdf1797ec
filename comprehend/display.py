"""Repository text made safe to show: commit subjects, source lines, file names and test
output come from whoever wrote the repository, so before they reach a terminal their
escape sequences and control characters go, and undecodable bytes (file names kept with
surrogateescape) show as U+FFFD. Stored values keep the original; only what is shown changes."""

from __future__ import annotations

import re

# ESC sequences whole (CSI with its parameters, OSC up to BEL or ST, DCS/SOS/PM/APC up to
# ST, any other two-character escape), then single C0/C1 controls except tab and newline,
# DEL, and the bidirectional overrides that reorder what a reader sees ("trojan source").
_TERMINAL_UNSAFE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[\s\S]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"[\n\t]")


def printable(text: str, *, one_line: bool = False) -> str:
    """`text` without escape sequences or control characters (tabs and newlines stay,
    unless `one_line`: then each becomes a space), undecodable bytes as U+FFFD."""
    text = _SURROGATE.sub("\ufffd", text)
    text = _TERMINAL_UNSAFE.sub("", text)
    return _LINE_BREAKS.sub(" ", text) if one_line else text


def shown_path(path: str) -> str:
    """A repository path as a person reads it: one line, replacement characters for bytes
    that are not UTF-8."""
    return printable(path, one_line=True)


def without_surrogates(value):
    """A JSON-ready value (dicts, lists, strings) with undecodable bytes as U+FFFD, so it
    encodes as UTF-8 wherever it is written."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {without_surrogates(k): without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [without_surrogates(v) for v in value]
    return value
