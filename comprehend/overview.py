"""What the review's Overview screen and the plain summary show: commits, authors, files
per language and recent commits, read from git in one log stream and one ls-tree."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from comprehend.graph.languages import language_for
from comprehend.history.git import CommitSummary, Repository, commit_summaries, list_files

# Code languages come from the graph's grammar registry (one source of truth for which
# extension is which language); these name them for people, and cover the other file
# kinds a repository commonly carries.
LABELS = {"python": "Python", "javascript": "JavaScript", "typescript": "TypeScript",
          "tsx": "TypeScript", "go": "Go", "rust": "Rust", "java": "Java"}
LANGUAGE_BY_SUFFIX = {
    ".pyi": "Python", ".c": "C", ".h": "C", ".cc": "C++", ".cpp": "C++", ".hpp": "C++",
    ".rb": "Ruby", ".sh": "Shell", ".bash": "Shell",
    ".md": "Markdown", ".rst": "reStructuredText", ".txt": "Text",
    ".toml": "TOML", ".json": "JSON", ".yml": "YAML", ".yaml": "YAML", ".cfg": "INI",
    ".ini": "INI", ".html": "HTML", ".css": "CSS", ".tcss": "CSS", ".scm": "Scheme",
    ".sql": "SQL", ".svg": "SVG",
    ".png": "Image", ".jpg": "Image", ".jpeg": "Image", ".gif": "Image", ".webp": "Image",
    ".ico": "Image",
}
LANGUAGE_BY_NAME = {
    "Makefile": "Makefile", "Dockerfile": "Dockerfile", ".gitignore": "Ignore List",
    ".dockerignore": "Ignore List", ".gitattributes": "Git Attributes",
}
OTHER = "Other"
SUMMARY_AUTHORS = 10  # the plain summary lists the most active; the UI's table has all


@dataclass(frozen=True)
class AuthorCount:
    name: str
    email: str
    commits: int


@dataclass(frozen=True)
class LanguageCount:
    language: str
    files: int
    bytes: int


@dataclass(frozen=True)
class Overview:
    root: Path
    branch: str | None
    head: str
    commits: int
    first_date: str  # YYYY-MM-DD of the oldest commit, in its author's time zone
    last_date: str
    authors: tuple[AuthorCount, ...]  # most commits first
    files: int
    languages: tuple[LanguageCount, ...]  # most files first
    recent: tuple[CommitSummary, ...]  # newest first

    @property
    def name(self) -> str:
        return self.root.name


def language_of(path: str) -> str:
    code = language_for(path)
    if code is not None:
        return LABELS.get(code, code.capitalize())
    p = PurePosixPath(path)
    return LANGUAGE_BY_NAME.get(p.name) or LANGUAGE_BY_SUFFIX.get(p.suffix.lower(), OTHER)


def load_overview(repo: Repository, recent: int = 15) -> Overview:
    by_author: Counter[tuple[str, str]] = Counter()
    latest: list[CommitSummary] = []
    count = 0
    first = last = ""
    for commit in commit_summaries(repo, repo.head):
        count += 1
        by_author[(commit.author_name, commit.author_email)] += 1
        if len(latest) < recent:
            latest.append(commit)
        day = commit.authored_at[:10]  # author dates need not follow the log's order
        first = min(first, day) if first else day
        last = max(last, day)
    authors = tuple(
        AuthorCount(name, email, n)
        for (name, email), n in sorted(by_author.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    files = [f for f in list_files(repo, repo.head) if f.mode != "160000"]
    langs: dict[str, list[int]] = {}
    for f in files:
        tally = langs.setdefault(language_of(f.path), [0, 0])
        tally[0] += 1
        tally[1] += max(f.size, 0)
    languages = tuple(
        LanguageCount(lang, n, size)
        for lang, (n, size) in sorted(langs.items(), key=lambda kv: (-kv[1][0], kv[0]))
    )
    return Overview(
        root=repo.root,
        branch=repo.branch,
        head=repo.head,
        commits=count,
        first_date=first,
        last_date=last,
        authors=authors,
        files=len(files),
        languages=languages,
        recent=tuple(latest),
    )


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024**2:
        return f"{n / 1024:.1f} KB"
    if n < 1024**3:
        return f"{n / 1024**2:.1f} MB"
    return f"{n / 1024**3:.1f} GB"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def where(branch: str | None, head: str) -> str:
    """`main @ 1a2b3c4d`, or `detached @ 1a2b3c4d` when HEAD is detached."""
    return f"{branch or 'detached'} @ {head[:8]}"


def summary_line(ov: Overview) -> str:
    return (f"{plural(ov.commits, 'commit')} from {ov.first_date} to {ov.last_date} by "
            f"{plural(len(ov.authors), 'author')}; {plural(ov.files, 'file')}")


def format_summary(ov: Overview) -> str:
    """The plain-text summary `comprehend review` prints when it is not in a terminal."""
    out = [f"{ov.name}  {where(ov.branch, ov.head)}  {ov.root}", summary_line(ov), "", "Authors"]
    shown = ov.authors[:SUMMARY_AUTHORS]
    width = max(len(str(a.commits)) for a in shown)
    out += [f"  {a.commits:>{width}}  {a.name} <{a.email}>" for a in shown]
    if len(ov.authors) > len(shown):
        out.append(f"  … and {plural(len(ov.authors) - len(shown), 'more author')}")
    out += ["", "Files by language"]
    lang_width = max(len(lang.language) for lang in ov.languages) if ov.languages else 0
    out += [
        f"  {lang.language:<{lang_width}}  {plural(lang.files, 'file'):>11}  {human_size(lang.bytes):>9}"
        for lang in ov.languages
    ]
    out += ["", "Recent commits"]
    name_width = max((len(c.author_name) for c in ov.recent), default=0)
    out += [
        f"  {c.authored_at[:10]}  {c.sha[:8]}  {c.author_name:<{name_width}}  {c.subject}"
        for c in ov.recent
    ]
    return "\n".join(out) + "\n"
