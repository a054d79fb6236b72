"""Lesson screens: learners study (``learn``), teachers author (``teach``) and run groups
(``groups``)."""
