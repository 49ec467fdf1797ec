"""The mutation engine: mutants of the lines a change added (mutate.py), test selection per
line (select.py), the pytest plugin loaded into test processes (probe.py), arid lines
(arid.py), and the run that ties them together (engine.py). It runs in the shared sandbox
(adversary/sandbox.py), which the LLM critic uses too."""

from comprehend.adversary.mutation.engine import MutationStats, run_mutation
from comprehend.adversary.mutation.outcomes import NO_NEW_KILLS, RULE

__all__ = ["NO_NEW_KILLS", "RULE", "MutationStats", "run_mutation"]
