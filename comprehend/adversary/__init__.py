"""The adversary: reviews a change in a context separate from its author (the diff, the
graph and the tests, nothing else) and reports findings with evidence a person can re-run."""
