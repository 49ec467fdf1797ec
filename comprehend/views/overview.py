"""What the review's Overview screen and the plain summary show: what AI wrote (commits by
class and tool, the AI share of current lines), authors marked by what they are, files per
language, recent commits, and the team's comprehension debt with its last weeks. Commits
and files come from one log stream and one ls-tree; classes from the store's classified
commits, which history/ledger.py brings up to date incrementally; the line share is
history/share.py's and the debt the team report's (views/team.py), each asked for
separately because each can be slow cold."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath

from comprehend.display import printable
from comprehend.git import commit_summaries, list_files
from comprehend.graph.languages import language_for
from comprehend.history.attribution import CLASSES
from comprehend.history.ledger import record_history
from comprehend.history.share import LineShare, PendingShare
from comprehend.store.connection import Store
from comprehend.store.history import commit_classes
from comprehend.store.team import answer_counts, answers_digest

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
# The plain summary blames the files the line cache lacks only when that walks at most this
# many commits in all (files x history): about a second on two cores. Past it, it says how
# to get the share; the review UI computes it in its worker whatever it costs.
SUMMARY_BLAME_BUDGET = 200_000
DEBT_WEEKS = 12  # how many weeks the Overview's sparkline spans, this one included
KIND_WORDS = {"person": ("person", "people"), "ai": ("AI agent", "AI agents"), "bot": ("bot", "bots")}


@dataclass(frozen=True)
class AuthorCount:
    name: str
    email: str
    commits: int
    classes: tuple[tuple[str, int], ...] = ()  # their commits by class, most first
    tools: tuple[str, ...] = ()  # tools of their AI and bot commits, most commits first

    @property
    def kind(self) -> str:
        """ai or bot for an identity whose every commit is of that class (an agent's
        account, aider's "Name (aider)"), else person (who may have had AI help)."""
        if len(self.classes) == 1 and self.classes[0][0] in ("ai", "bot"):
            return self.classes[0][0]
        return "person"


@dataclass(frozen=True)
class LanguageCount:
    language: str
    files: int
    bytes: int


@dataclass(frozen=True)
class ClassCount:
    cls: str
    commits: int
    tools: tuple[tuple[str, int], ...]  # AI and bot tools: most commits first, then by name


@dataclass(frozen=True)
class RecentCommit:
    sha: str
    author_name: str
    author_email: str
    authored_at: str
    subject: str
    cls: str
    tool: str | None


@dataclass(frozen=True)
class Overview:
    root: Path
    branch: str | None
    head: str
    commits: int
    first_date: str  # YYYY-MM-DD of the oldest commit, in its author's time zone
    last_date: str
    classes: tuple[ClassCount, ...]  # every class, in CLASSES order
    authors: tuple[AuthorCount, ...]  # most commits first
    files: int
    languages: tuple[LanguageCount, ...]  # most files first
    recent: tuple[RecentCommit, ...]  # newest first

    @property
    def name(self) -> str:
        return self.root.name


@dataclass(frozen=True)
class DebtTrend:
    """Comprehension debt as the Overview shows it: now, and at the end of each of the last
    weeks (the team report's figures, views/team.py)."""

    answers: int
    debt: float  # 0..1 of the weighted code no current member is likely to understand
    # (ISO week, debt at its end), oldest first; the last is this week so far (`debt`)
    weeks: tuple[tuple[str, float], ...]
    modules: tuple[tuple[str, float], ...]  # (module path, its debt), for the risk score

    @property
    def change(self) -> float | None:
        """Since the end of last week, 0..1 (None when the history is one week long)."""
        return self.debt - self.weeks[-2][1] if len(self.weeks) > 1 else None


def load_debt(workspace, store: Store, head: str, *, graph=None, now: float | None = None,
              weeks: int = DEBT_WEEKS) -> DebtTrend | None:
    """The debt at `head`, or None while nobody has answered a quiz: the figure is about
    what the team showed it understands, and before any answer there is nothing to show."""
    from comprehend.views.team import load_team  # numpy and the team model: only when needed

    if not answer_counts(store):
        return None
    now = time.time() if now is None else now
    since = (datetime.fromtimestamp(now, UTC) - timedelta(weeks=weeks - 1)).timestamp()
    report = load_team(workspace, store, since=since, rev=head, now=now, graph=graph)
    return DebtTrend(report.answers, report.debt,
                     tuple((w.week, w.debt) for w in report.weeks[-weeks:]),
                     tuple((m.path, m.debt) for m in report.modules))


def answers_version(store: Store) -> tuple:
    """Changes whenever an answer is recorded: whether the debt must be computed again."""
    return answers_digest(store)


def language_of(path: str) -> str:
    code = language_for(path)
    if code is not None:
        return LABELS.get(code, code.capitalize())
    p = PurePosixPath(path)
    return LANGUAGE_BY_NAME.get(p.name) or LANGUAGE_BY_SUFFIX.get(p.suffix.lower(), OTHER)


def load_overview(workspace, store: Store, recent: int = 15) -> Overview:
    """The Overview of the workspace's HEAD. Classifies the commits the store lacks first
    (all of them the first time: about 2.5 s for 50,000 commits, then only new ones)."""
    repo = workspace.repo
    record_history(repo, workspace.config, store, repo.head)
    known = commit_classes(store)
    by_author: Counter[tuple[str, str]] = Counter()
    author_classes: dict[tuple[str, str], Counter[str]] = {}
    author_tools: dict[tuple[str, str], Counter[str]] = {}
    by_class: Counter[str] = Counter()
    class_tools: dict[str, Counter[str]] = {c: Counter() for c in CLASSES}
    latest: list[RecentCommit] = []
    count = 0
    first = last = ""
    for commit in commit_summaries(repo, repo.head):
        count += 1
        found = known.get(commit.sha)
        cls = found.cls if found else "unknown"
        tool = found.tool if found and cls in ("ai", "bot") else None
        who = (commit.author_name, commit.author_email)
        by_author[who] += 1
        author_classes.setdefault(who, Counter())[cls] += 1
        by_class[cls] += 1
        if tool:
            class_tools[cls][tool] += 1
            author_tools.setdefault(who, Counter())[tool] += 1
        if len(latest) < recent:
            latest.append(RecentCommit(commit.sha, commit.author_name, commit.author_email,
                                       commit.authored_at, commit.subject, cls, tool))
        day = commit.authored_at[:10]  # author dates need not follow the log's order
        first = min(first, day) if first else day
        last = max(last, day)
    authors = tuple(
        AuthorCount(name, email, n, _most_first(author_classes[(name, email)]),
                    tuple(t for t, _n in _most_first(author_tools.get((name, email), Counter()))))
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
        classes=tuple(ClassCount(c, by_class[c], _most_first(class_tools[c])) for c in CLASSES),
        authors=authors,
        files=len(files),
        languages=languages,
        recent=tuple(latest),
    )


def _most_first(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


# --- Text, shared by the plain summary and the UI -----------------------------------------


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024**2:
        return f"{n / 1024:.1f} KB"
    if n < 1024**3:
        return f"{n / 1024**2:.1f} MB"
    return f"{n / 1024**3:.1f} GB"


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def where(branch: str | None, head: str) -> str:
    """`main @ 1a2b3c4d`, or `detached @ 1a2b3c4d` when HEAD is detached."""
    return f"{branch or 'detached'} @ {head[:8]}"


def summary_line(ov: Overview) -> str:
    return (f"{plural(ov.commits, 'commit')} from {ov.first_date} to {ov.last_date} by "
            f"{plural(len(ov.authors), 'author')}; {plural(ov.files, 'file')}")


def class_label(cls: str, tool: str | None) -> str:
    """`ai claude-code`, `bot dependabot`, `human`."""
    return f"{cls} {tool}" if tool else cls


def commits_text(ov: Overview) -> str:
    """`ai 4: aider, claude-code, copilot-agent, cursor; bot 1: dependabot; human 13`."""
    parts = []
    for c in ov.classes:
        if not c.commits:
            continue
        named = sum(n for _tool, n in c.tools)
        tools = list(c.tools) + ([("unnamed", c.commits - named)] if c.tools and named < c.commits else [])
        if not tools:
            parts.append(f"{c.cls} {c.commits:,}")
        elif all(n == 1 for _tool, n in tools):
            parts.append(f"{c.cls} {c.commits:,}: " + ", ".join(tool for tool, _n in tools))
        else:
            parts.append(f"{c.cls} {c.commits:,}: " + ", ".join(f"{tool} {n:,}" for tool, n in tools))
    return "; ".join(parts)


def share_text(share: LineShare | PendingShare) -> str:
    """`at least 30.4% AI, 168 of 553: aider 66, claude-code 43, …`: a floor, since
    many tools leave no trace; or why it is not counted yet and how to count it."""
    if isinstance(share, PendingShare):
        return (f"not counted yet ({plural(share.files, 'file')} to blame); "
                "`comprehend scan` counts and caches it, and so does the review in a terminal")
    if not share.lines:
        return "no text lines to count"
    ai = share.count("ai")
    text = f"at least {100 * ai / share.lines:.1f}% AI, {ai:,} of {share.lines:,}"
    if share.by_tool:
        text += ": " + ", ".join(f"{tool} {n:,}" for tool, n in share.by_tool)
    unknown = share.count("unknown")
    if unknown:
        text += f"; {unknown:,} of unknown origin"
    return text


NO_ANSWERS = "no quiz answers yet: `comprehend quiz` (or key 5 here) asks the first questions"


def debt_text(trend: DebtTrend | None) -> str:
    """`42.1% comprehension debt, +1.3 points since last week (12 answers)`, or how to
    start when nobody has answered a quiz."""
    if trend is None:
        return NO_ANSWERS
    text = f"{100 * trend.debt:.1f}% comprehension debt"
    if trend.change is not None:
        # -0.0 would read as a fall
        text += f", {100 * trend.change:+.1f}".replace("-0.0", "+0.0") + " points since last week"
    return text + f" ({plural(trend.answers, 'answer')})"


def author_label(a: AuthorCount) -> str:
    """`ai aider` for an agent's identity, `human` for a person, `human 4, ai 1` for a
    person with AI-made commits."""
    if len(a.classes) == 1:
        return class_label(a.classes[0][0], ", ".join(a.tools) or None)
    return ", ".join(f"{cls} {n:,}" for cls, n in a.classes)


def authors_heading(ov: Overview) -> str:
    """`Authors: 3 people, 2 AI agents, 1 bot`."""
    kinds = Counter(a.kind for a in ov.authors)
    parts = [f"{kinds[k]:,} {KIND_WORDS[k][kinds[k] != 1]}" for k in KIND_WORDS if kinds[k]]
    return "Authors: " + ", ".join(parts)


def format_summary(ov: Overview, share: LineShare | PendingShare | None = None) -> str:
    """The plain-text summary `comprehend review` prints when it is not in a terminal."""
    out = [f"{ov.name}  {where(ov.branch, ov.head)}  {ov.root}", summary_line(ov), "",
           "Written by AI", f"  commits  {commits_text(ov)}"]
    if share is not None:
        out.append(f"  lines    {share_text(share)}")
    out += ["", authors_heading(ov)]
    shown = ov.authors[:SUMMARY_AUTHORS]
    width = max(len(f"{a.commits:,}") for a in shown)
    label_width = max(len(author_label(a)) for a in shown)
    out += [f"  {a.commits:>{width},}  {author_label(a):<{label_width}}  {a.name} <{a.email}>"
            for a in shown]
    if len(ov.authors) > len(shown):
        out.append(f"  … and {plural(len(ov.authors) - len(shown), 'more author')}")
    out += ["", "Files by language"]
    lang_width = max(len(lang.language) for lang in ov.languages) if ov.languages else 0
    out += [
        f"  {lang.language:<{lang_width}}  {plural(lang.files, 'file'):>11}  {human_size(lang.bytes):>9}"
        for lang in ov.languages
    ]
    out += ["", "Recent commits"]
    class_width = max((len(class_label(c.cls, c.tool)) for c in ov.recent), default=0)
    name_width = max((len(c.author_name) for c in ov.recent), default=0)
    out += [
        f"  {c.authored_at[:10]}  {c.sha[:8]}  {class_label(c.cls, c.tool):<{class_width}}  "
        f"{c.author_name:<{name_width}}  {c.subject}"
        for c in ov.recent
    ]
    # names, subjects and paths are repository text: no escape sequences reach the terminal
    return "\n".join(printable(line, one_line=True) for line in out) + "\n"
