"""What usually changes together with this file? Co-change counts from git: over the
non-merge commits that changed the target's file, how many also changed each other file.
The key is the file changed with it most often (at least twice, strictly more than the
next); it is proven again by intersecting each file's own commit list, and wrong choices
are files at head that never changed with it."""

from __future__ import annotations

import random
import shlex
from collections import Counter

from comprehend import git
from comprehend.quiz.context import QuizContext
from comprehend.quiz.kinds._common import owners, shuffled_choices
from comprehend.quiz.model import Question, Refused, Source, Target

KIND = "co_change"
CATEGORY = "relation"
LANGUAGES = None
COST = 1  # runs git
MIN_TOGETHER = 2


def generate(ctx: QuizContext, target: Target, rng: random.Random) -> Question | Refused:
    path = target.file
    counts = Counter(f for f in git.co_changed_files(ctx.repo, ctx.head, path) if f != path)
    tracked = _tracked(ctx)
    ranked = [(n, f) for f, n in counts.items() if f in tracked]
    ranked.sort(key=lambda item: (-item[0], item[1]))
    if not ranked or ranked[0][0] < MIN_TOGETHER:
        return Refused(KIND, target.symbol, "no file changed with it twice or more")
    if len(ranked) > 1 and ranked[1][0] == ranked[0][0]:
        return Refused(KIND, target.symbol, "two files tie for most changed with it")
    together, key = ranked[0]
    mine = git.commits_touching(ctx.repo, ctx.head, path)
    if len(mine & git.commits_touching(ctx.repo, ctx.head, key)) != together:
        return Refused(KIND, target.symbol, "commit lists disagree with the co-change count")
    if len(ranked) > 1 and len(mine & git.commits_touching(ctx.repo, ctx.head, ranked[1][1])) >= together:
        return Refused(KIND, target.symbol, "commit lists disagree on the runner-up")
    never = sorted(f for f in tracked if f not in counts and f != path)
    near = [f for f in never if f.rsplit("/", 1)[0] == key.rsplit("/", 1)[0]] or never
    if len(near) < 2:
        near = never
    if len(near) < 2:
        return Refused(KIND, target.symbol, "too few other files to choose wrong answers from")
    choices = shuffled_choices(key, near, rng)
    shell = "git " + shlex.join(git.co_change_command(ctx.head, path)) + " | sort | uniq -c | sort -rn"
    changed = len(mine)
    return Question(
        kind=KIND, category=CATEGORY,
        prompt=f"Which file changes most often together with {path}?",
        choices=choices, answer=key,
        explanation=f"Of the {changed} commits that changed {path}, {together} also changed {key}"
                    + (f"; next is {ranked[1][1]} with {ranked[1][0]}." if len(ranked) > 1 else "."),
        # about the file: its module is the card an answer updates
        source=Source(file=path, symbol=owners(ctx).get(target.symbol), start_line=None,
                      end_line=None, commit=ctx.head),
        evidence={"type": "git", "command": shell, "expect": key, "count": together},
        policy_hash=ctx.policy_hash, code="", language=target.language)


def _tracked(ctx: QuizContext) -> set[str]:
    if "tracked" not in ctx._memo:
        ctx._memo["tracked"] = {f.path for f in git.list_files(ctx.repo, ctx.head)}
    return ctx._memo["tracked"]
