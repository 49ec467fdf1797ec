"""Which commit introduced this line? The key is what `git blame` says wrote one line of the
target (a line worth asking about: code, not a blank, a bracket or a bare return); it is
proven twice: blame of that one line agrees, and that commit's own diff adds the line's
text. Wrong choices are other commits that changed the same file."""

from __future__ import annotations

import random
import shlex

from comprehend import git
from comprehend.quiz.context import QuizContext
from comprehend.quiz.kinds._common import code_of, shuffled_choices
from comprehend.quiz.model import Question, Refused, Source, Target

KIND = "history"
CATEGORY = "conceptual"
LANGUAGES = None
COST = 1  # runs git
_DULL = {"return", "pass", "break", "continue", "else:", "try:", "finally:", "}", "{", ")", "]", "});",
         "};", "end", "return;", "default:", "} else {"}
_COMMENT = ("#", "//", "/*", "*", '"""', "'''")


def generate(ctx: QuizContext, target: Target, rng: random.Random) -> Question | Refused:
    lines = ctx.source(target.file).splitlines()
    candidates = [n for n in range(target.start_line + 1, min(target.end_line, len(lines)) + 1)
                  if _worth_asking(lines[n - 1])]
    if not candidates:
        return Refused(KIND, target.symbol, "no line worth asking about")
    commits = git.path_commits(ctx.repo, ctx.head, target.file)
    if len(commits) < 3:
        return Refused(KIND, target.symbol, "its file has fewer than three commits")
    by_sha = {c.sha: c for c in commits}
    # Prefer a line a later commit wrote: the question is then about how the code grew.
    first = commits[-1].sha
    origins = _blame_span(ctx, target, candidates)
    later = [n for n in candidates if origins.get(n) not in (None, first)]
    line = (later or candidates)[rng.randrange(len(later or candidates))]
    origin = git.blame_line(ctx.repo, ctx.head, target.file, line)
    if origin != origins.get(line) or origin not in by_sha:
        return Refused(KIND, target.symbol, "blame does not agree with itself")
    text = lines[line - 1]
    if text.strip() not in {added.strip() for added in git.commit_diff_added(ctx.repo, origin, target.file)}:
        return Refused(KIND, target.symbol, "the origin commit's diff does not add the line")
    key = _choice(by_sha[origin])
    choices = shuffled_choices(key, [_choice(c) for c in commits if c.sha != origin], rng)
    if len(choices) < 3:
        return Refused(KIND, target.symbol, "too few other commits to choose wrong answers from")
    command = "git " + shlex.join(git.blame_line_command(ctx.head, target.file, line))
    start = max(target.start_line, line - 3)
    end = min(target.end_line, line + 3)
    return Question(
        kind=KIND, category=CATEGORY,
        prompt=f"Which commit wrote line {line} of {target.file} (in {target.qualname})?\n    {text.strip()}",
        choices=choices, answer=key,
        explanation=f"git blame says line {line} comes from {origin[:10]} "
                    f"({by_sha[origin].author_name}, {by_sha[origin].authored_at[:10]}), whose diff adds it.",
        source=Source(file=target.file, symbol=target.symbol, start_line=line, end_line=line, commit=ctx.head),
        evidence={"type": "git", "command": command, "expect": origin},
        policy_hash=ctx.policy_hash, code=code_of(ctx, target.file, start, end), language=target.language)


def _worth_asking(text: str) -> bool:
    stripped = text.strip()
    return len(stripped) >= 12 and stripped not in _DULL and not stripped.startswith(_COMMENT)


def _blame_span(ctx: QuizContext, target: Target, candidates: list[int]) -> dict[int, str]:
    """line -> origin commit for the target's lines, from one blame of its span."""
    start, end = min(candidates), max(candidates)
    out = git.git_text(["blame", "--root", "-s", "-l", "-L", f"{start},{end}", ctx.head, "--", target.file], ctx.repo.root)
    origins = {}
    for number, row in enumerate(out.splitlines(), start=start):
        origins[number] = row.split(" ", 1)[0].lstrip("^")
    return origins


def _choice(commit: git.CommitSummary) -> str:
    return f"{commit.sha[:10]} {commit.subject} ({commit.authored_at[:10]})"
