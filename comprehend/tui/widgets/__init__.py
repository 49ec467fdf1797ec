"""Widgets shared by the review's screens."""
