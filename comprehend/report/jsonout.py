"""`--format json`: {"verdict", "findings": [...], "run": {...}}, the input of `merge`."""

from __future__ import annotations

import json

from comprehend.adversary.review import CheckResult
from comprehend.display import without_surrogates


def render(result: CheckResult) -> str:
    return json.dumps(without_surrogates(result.to_json()), indent=2, sort_keys=True) + "\n"
