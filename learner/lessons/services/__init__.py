"""Writes of the lessons app: authoring (teachers), study (learners), groups (teachers)."""
