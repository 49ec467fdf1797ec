"""One module per screen of the review."""
