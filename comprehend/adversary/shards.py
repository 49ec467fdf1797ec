"""`--shard K/N` results merged into one verdict: the union of findings (static rules run
in every shard, so they are deduplicated by fingerprint) and the sum of mutation figures."""

from __future__ import annotations

from typing import Any

from comprehend.adversary.findings import SEVERITY_ORDER, verdict
from comprehend.adversary.judged import settle
from comprehend.adversary.review import CheckResult
from comprehend.errors import UserError

# What `check --format json` writes, as far as merging reads it: a file that does not match
# is refused with the first place it differs, before any of it is used. Extra keys are
# allowed, so results of newer versions that add fields still merge.
_SEVERITY = {"enum": list(SEVERITY_ORDER)}
RESULT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["verdict", "findings", "run"],
    "properties": {
        "verdict": {"type": "string"},
        "findings": {"type": "array", "items": {
            "type": "object",
            "required": ["rule", "severity", "confidence", "file", "start_line", "end_line",
                         "title", "evidence", "fingerprint"],
            "properties": {
                "rule": {"type": "string"}, "severity": _SEVERITY,
                "confidence": {"type": "number"}, "file": {"type": "string"},
                "start_line": {"type": "integer"}, "end_line": {"type": "integer"},
                "title": {"type": "string"}, "evidence": {"type": "object"},
                "fingerprint": {"type": "string"},
            },
        }},
        "run": {"type": "object", "required": ["fail_on"], "properties": {
            "fail_on": _SEVERITY,
            "shard": {"type": ["string", "null"]},
            "base": {"type": ["string", "null"]},
            "head": {"type": ["string", "null"]},
            "notes": {"type": "array", "items": {"type": "string"}},
            "mutation": {"type": ["object", "null"]},
        }},
    },
}


def schema_problem(data: Any) -> str | None:
    """Where `data` first departs from RESULT_SCHEMA (`findings[2].severity: ...`), or None."""
    import jsonschema

    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(RESULT_SCHEMA).iter_errors(data))
    if error is None:
        return None
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return f"{where.lstrip('.') or 'the top level'}: {error.message}"


def parse_shard(text: str) -> tuple[int, int]:
    k, sep, n = text.partition("/")
    if not (sep and k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise UserError(f"--shard {text}: expected K/N with 1 <= K <= N, e.g. --shard 1/4")
    return int(k), int(n)


def merge_results(named: list[tuple[str, CheckResult]], fail_on: str | None) -> CheckResult:
    if not named:
        raise UserError("merge: pass the JSON files written by `comprehend check --format json`")
    first_name, first = named[0]
    for name, result in named[1:]:
        for key in ("base", "head"):
            if result.run.get(key) != first.run.get(key):
                raise UserError(
                    f"{name}: {key} {str(result.run.get(key))[:12]} differs from "
                    f"{str(first.run.get(key))[:12]} in {first_name}; merge results of one change"
                )
    _check_shards(named)
    threshold = fail_on or _agreed_fail_on(named)
    findings: dict[str, Any] = {}
    for _, result in named:
        for f in result.findings:
            findings.setdefault(f.fingerprint or f"{f.rule}:{f.file}:{f.start_line}", f)
    merged = sorted(findings.values(),
                    key=lambda f: (-SEVERITY_ORDER[f.severity], f.file, f.start_line, f.rule))
    notes: list[str] = []
    for _, result in named:
        notes += [n for n in result.notes if n not in notes]
    run = dict(first.run)
    run.update({
        "shard": None,
        "merged_from": [name for name, _ in named],
        "fail_on": threshold,
        "notes": notes,
        "mutation": _sum_stats([r.run.get("mutation") for _, r in named]),
        "seconds": round(sum(float(r.run.get("seconds") or 0) for _, r in named), 2),
        "id": None,
    })
    counts = {s: 0 for s in SEVERITY_ORDER}
    for f in merged:
        counts[f.severity] += 1
    run["counts"] = counts
    errors = [f"{name}: {r.run['error']}" for name, r in named if r.verdict == "error" and r.run.get("error")]
    run["error"] = "; ".join(errors) or None
    # One shard whose tests could not run leaves its mutants unjudged: the merge fails closed.
    outcome = "error" if any(r.verdict == "error" for _, r in named) else settle(
        verdict(merged, threshold), run.get("unjudged"), run.get("allow_incomplete"))
    return CheckResult(verdict=outcome, fail_on=threshold,
                       findings=tuple(merged), run=run)


def _check_shards(named: list[tuple[str, CheckResult]]) -> None:
    seen: dict[int, str] = {}
    total = None
    for name, result in named:
        shard = result.run.get("shard")
        if shard is None:
            if len(named) > 1:
                raise UserError(f"{name}: not a shard result (no --shard); merge only the "
                                "results of `check --shard K/N`")
            continue
        k, n = parse_shard(shard)
        if total is not None and n != total:
            raise UserError(f"{name}: shard {shard} is from a {n}-way split, the others from "
                            f"{total}; merge the shards of one split")
        total = n
        if k in seen:
            raise UserError(f"{name}: shard {shard} given twice (also {seen[k]})")
        seen[k] = name
    if total is not None and len(seen) != total:
        missing = sorted(set(range(1, total + 1)) - set(seen))
        raise UserError(f"merge: shard(s) {', '.join(f'{k}/{total}' for k in missing)} missing; "
                        "pass every shard's JSON result")


def _agreed_fail_on(named: list[tuple[str, CheckResult]]) -> str:
    values = {r.fail_on for _, r in named}
    if len(values) > 1:
        raise UserError(f"merge: the shards used different --fail-on ({', '.join(sorted(values))}); "
                        "pass --fail-on SEV")
    return values.pop()


def _sum_stats(stats: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    present = [s for s in stats if s]
    if not present:
        return None
    total: dict[str, Any] = {}
    for s in present:
        for key, value in s.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                total[key] = round(total.get(key, 0) + value, 3)
            else:
                total.setdefault(key, value)
    return total
