"""Quizzes with provable answers, FSRS scheduling and the comprehension-debt figure."""
