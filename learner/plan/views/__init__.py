"""Screens of the action plan: the learner's own plan, the case manager's view of a learner's
plan, and the history of one goal. Both sides see the same plan and write it through the same
commands (``learner.plan.commands``)."""

from learner.plan.views.pages import goal_history, home, learner_goal_history, learner_plan

__all__ = ["goal_history", "home", "learner_goal_history", "learner_plan"]
