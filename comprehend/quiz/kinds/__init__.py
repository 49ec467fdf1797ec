"""One module per question kind. Each exposes:

- KIND: its name ("callers", "output", ...), CATEGORY: reading | debugging | relation |
  conceptual;
- generate(ctx, target, rng) -> Question | Refused: one question about `target` whose key
  it has verified, or why not;
- optionally LANGUAGES: the target languages it asks about (default ("python",); None for
  every language), SLOW = True when it runs code (asked after the cheap kinds, so the
  first question comes fast), COST = 1 for kinds that run git (tried after the graph's
  for the first target), and questions(ctx, rng) -> Iterable[Question | Refused] for
  kinds not about a chosen target (the team bank).

quiz/generate.py discovers the modules of this package, so a new kind is a new file."""
