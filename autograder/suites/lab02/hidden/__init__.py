"""Lab 02 hidden checks: the grade (10 points per tool)."""
