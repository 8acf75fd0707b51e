"""Lab 02 public checks: hand-computed sanity checks shipped to learners."""
