"""Everything read from git: the repository, commits, attribution, blame, sidecar notes."""
