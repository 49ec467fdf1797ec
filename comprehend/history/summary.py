"""The attribution part of `comprehend scan`: commits by class and tool, and the AI share of
the current lines per module (folder) and per author. The keys are stable and documented
in README (section "AI attribution")."""

from __future__ import annotations

import fnmatch
import posixpath
from collections import Counter
from collections.abc import Callable
from typing import Any

from comprehend.git import (
    Repository,
    list_files,
    rev_list,
    shallow_commits,
    text_line_counts,
)
from comprehend.history.attribution import CLASSES
from comprehend.history.blame import attribute_files
from comprehend.history.ledger import record_history
from comprehend.store.connection import Store
from comprehend.store.history import commit_classes

SHALLOW_AUTHOR = "(before the shallow clone's history)"
SHALLOW_FIX = "fetch the full history (actions/checkout with fetch-depth: 0, or git fetch --unshallow)"


def summarize(workspace, store: Store, *, rev: str = "HEAD",
              progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    repo, config = workspace.repo, workspace.config
    context = record_history(repo, config, store, rev)
    reachable = rev_list(repo, context.rev)
    classes = commit_classes(store)

    by_class: Counter[str] = Counter({c: 0 for c in CLASSES})
    by_tool: Counter[str] = Counter()
    mixed = 0
    for sha in reachable:
        known = classes.get(sha)
        by_class[known.cls if known else "unknown"] += 1
        if known and known.tool:
            by_tool[known.tool] += 1
        mixed += bool(known and known.mixed)

    files, skipped = counted_files(repo, context.rev, config.attribution)
    blame_warnings: list[str] = []
    per_file = attribute_files(repo, config, store, files, context.rev,
                               progress=progress, context=context, on_warning=blame_warnings.append)
    lines_by_class: Counter[str] = Counter({c: 0 for c in CLASSES})
    lines_by_tool: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    modules: dict[str, Counter[str]] = {}
    authors: dict[str, Counter[str]] = {}
    names: dict[str, str] = {}
    for path, lines in per_file.items():
        module = modules.setdefault(posixpath.dirname(path) or ".", Counter())
        for line in lines:
            lines_by_class[line.cls] += 1
            by_source[line.source] += 1
            if line.tool and line.cls in ("ai", "bot"):
                lines_by_tool[line.tool] += 1
            module[line.cls] += 1
            origin = classes.get(line.commit)
            if line.source == "shallow":  # the cut commit's author did not write these
                author, email = SHALLOW_AUTHOR, SHALLOW_AUTHOR
            else:
                author, email = (origin.author, origin.email) if origin else ("", "")
            key = email.lower() or author
            names.setdefault(key, author)
            authors.setdefault(key, Counter())[line.cls] += 1

    warnings = list(context.sidecars.warnings) + blame_warnings
    if repo.shallow:
        cut = len(shallow_commits(repo))
        warnings.insert(0, f"shallow clone: history stops at {cut} commit(s); lines older than "
                           f"that count as unknown; {SHALLOW_FIX}")
    return {
        "commits": {
            "total": len(reachable),
            "by_class": dict(by_class),
            "by_tool": dict(by_tool.most_common()),
            "mixed": mixed,
        },
        "ai_share": {
            "lines": sum(lines_by_class.values()),
            "share": _share(lines_by_class),
            "by_class": dict(lines_by_class),
            "by_tool": dict(lines_by_tool.most_common()),
            "by_source": dict(by_source.most_common()),
            "by_module": {m: _row(c) for m, c in sorted(modules.items())},
            "by_author": {
                key: {"name": names[key], **_row(c)}
                for key, c in sorted(authors.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
            },
            "files": len(files),
            "skipped_files": skipped,
        },
        "attribution": {
            "rev": context.rev,
            "shallow": repo.shallow,
            "git_ai_notes": len(context.sidecars.git_ai),
            "agent_trace_commits": len(context.sidecars.agent_trace),
            "warnings": warnings,
        },
    }


def _share(counts: Counter[str]) -> float:
    total = sum(counts[c] for c in CLASSES)
    return round(counts["ai"] / total, 4) if total else 0.0


def _row(counts: Counter[str]) -> dict[str, Any]:
    return {"lines": sum(counts[c] for c in CLASSES), **{c: counts[c] for c in CLASSES},
            "share": _share(counts)}


def counted_files(repo: Repository, rev: str, settings) -> tuple[list[str], int]:
    """Text files of `rev` that count toward the AI share: regular, non-empty, not binary,
    not larger than max_file_bytes, not matching an exclude glob."""
    line_counts = text_line_counts(repo, rev)
    counted, skipped = [], 0
    for f in list_files(repo, rev):
        if f.mode not in ("100644", "100755") or f.size == 0:
            continue
        name = posixpath.basename(f.path)
        if (f.size > settings.max_file_bytes or line_counts.get(f.path) is None
                or any(fnmatch.fnmatch(f.path, g) or fnmatch.fnmatch(name, g) for g in settings.exclude)):
            skipped += 1
            continue
        counted.append(f.path)
    return counted, skipped
