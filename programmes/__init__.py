"""Transformation programmes: objectives, savings, milestones and budgets."""
