"""Headless view models: plain frozen records built from the store, the graph and git,
which the review screens, `review --no-tui` and the JSON outputs all draw from."""
