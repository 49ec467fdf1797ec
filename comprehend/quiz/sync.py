"""Sharing quiz answers without a server: through the repository's own remote, in a notes
ref of comprehend's own.

Each person's answers are one note (on a small blob naming them) holding one JSON record
per line: the answer and the question it answered. Records are only ever added, and two
sides are merged with git's cat_sort_uniq notes strategy (each note becomes the sorted
union of both sides' lines), so clones that answered on their own never conflict and an
answer synced twice is one line. sync touches refs/notes/comprehend and its private
tracking ref refs/notes/comprehend-fetched, nothing else."""

from __future__ import annotations

import json
from dataclasses import dataclass

from comprehend import git
from comprehend.errors import UserError
from comprehend.git import Repository
from comprehend.store.team import export_answers, import_answers

REF = "refs/notes/comprehend"
FETCHED = "refs/notes/comprehend-fetched"
ATTEMPTS = 5


@dataclass(frozen=True)
class SyncResult:
    remote: str
    sent: int  # answers of this store the remote did not have
    received: int  # answers new to this store
    total: int  # answers in the shared record
    skipped: int  # lines that were not records comprehend can read


def record_line(answer: dict, question: dict | None) -> bytes:
    return json.dumps({"answer": answer, "question": question}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False).encode()


def person_object(repo: Repository, person: str) -> str:
    return git.write_blob(repo, f"comprehend answers\n{person}\n".encode())


def choose_remote(repo: Repository, remote: str | None) -> str:
    names = git.remote_names(repo)
    if remote is None:
        remote = git.upstream_remote(repo) or ("origin" if "origin" in names else None)
        if remote is None:
            raise UserError("sync: this repository has no remote to share answers through; "
                            "add one (git remote add NAME URL) or pass --remote NAME")
    if remote not in names:
        raise UserError(f"--remote {remote}: no such remote here ({', '.join(names) or 'none'}); "
                        "`git remote -v` lists them")
    return remote


def sync(repo: Repository, store, remote: str | None) -> SyncResult:
    remote = choose_remote(repo, remote)
    by_person: dict[str, set[bytes]] = {}
    for answer, question in export_answers(store):
        by_person.setdefault(answer["person"], set()).add(record_line(answer, question))
    objects = {person: person_object(repo, person) for person in by_person}
    sent = 0
    for _ in range(ATTEMPTS):
        fetched = git.fetch_ref(repo, remote, REF, FETCHED)
        remote_lines = _lines(git.read_notes(repo, FETCHED)) if fetched else set()
        sent = sum(len(lines - remote_lines) for lines in by_person.values())
        notes = git.read_notes(repo, REF)
        for person, lines in by_person.items():
            have = set(notes.get(objects[person], b"").splitlines())
            if not lines <= have:
                git.set_note(repo, REF, objects[person], b"\n".join(sorted(have | lines)) + b"\n")
        if fetched:
            git.merge_notes(repo, REF, FETCHED)
        if git.push_ref(repo, remote, REF, REF):
            break
    else:
        raise UserError(f"sync: {remote} kept changing while answers were being shared; "
                        "run comprehend sync again")
    records, skipped = _records(git.read_notes(repo, REF))
    received = import_answers(store, records)
    return SyncResult(remote, sent, received, len(records), skipped)


def _lines(notes: dict[str, bytes]) -> set[bytes]:
    return {line for text in notes.values() for line in text.splitlines() if line}


def _records(notes: dict[str, bytes]) -> tuple[list[tuple[dict, dict | None]], int]:
    records, skipped, seen = [], 0, set()
    for line in sorted(_lines(notes)):
        try:
            data = json.loads(line)
            answer, question = data["answer"], data["question"]
            key = answer["id"]
        except (ValueError, KeyError, TypeError):
            skipped += 1
            continue
        if key in seen:
            continue
        seen.add(key)
        records.append((answer, question))
    return records, skipped


def pull_answers(repo: Repository, store, remote: str | None = None) -> tuple[int, str | None]:
    """Read-only half of sync, for gates: fetch the shared answers and add the new ones to
    the store. Returns (answers new to the store, why nothing could be read or None)."""
    try:
        remote = choose_remote(repo, remote)
        if not git.fetch_ref(repo, remote, REF, FETCHED):
            return 0, f"{remote} has no shared answers yet ({REF})"
    except (UserError, git.GitFailed) as exc:
        return 0, str(exc)
    records, _ = _records(git.read_notes(repo, FETCHED))
    return import_answers(store, records), None
