"""comprehend: what here was written by AI, would anything catch it if it were wrong,
and does the team still understand it."""

__version__ = "0.1.0"
