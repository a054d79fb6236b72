"""The goal framework: common goals per domain, to pick from instead of writing one.

A goal picked here keeps its code, so it reads in each reader's own language; a goal written
freely keeps the words its author typed. Codes never change meaning: add new ones instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from learner.plan.models import Domain


@dataclass(frozen=True)
class FrameworkGoal:
    code: str
    domain: str
    label: Promise


FRAMEWORK: tuple[FrameworkGoal, ...] = (
    FrameworkGoal("mo_course", Domain.MO, _("Follow the civic orientation course")),
    FrameworkGoal("mo_test", Domain.MO, _("Pass the civic orientation test")),
    FrameworkGoal("nt2_course", Domain.NT2, _("Follow a Dutch course that fits my work or study")),
    FrameworkGoal("nt2_a2", Domain.NT2, _("Pass the Dutch test at level A2")),
    FrameworkGoal("nt2_practice", Domain.NT2, _("Speak Dutch every week outside the lessons")),
    FrameworkGoal("work_vdab", Domain.WORK, _("Register with VDAB (Actiris in Brussels)")),
    FrameworkGoal("work_cv", Domain.WORK, _("Write my CV in Dutch")),
    FrameworkGoal("work_training", Domain.WORK, _("Find a vocational training")),
    FrameworkGoal("work_job", Domain.WORK, _("Find a job")),
    FrameworkGoal("part_buddy", Domain.PARTICIPATION, _("Find a buddy")),
    FrameworkGoal("part_volunteer", Domain.PARTICIPATION, _("Find volunteer work")),
    FrameworkGoal("part_club", Domain.PARTICIPATION, _("Join a club or association")),
    FrameworkGoal("dip_naric", Domain.DIPLOMA_RECOGNITION, _("Have my diploma recognised (NARIC)")),
    FrameworkGoal(
        "dip_papers",
        Domain.DIPLOMA_RECOGNITION,
        _("Gather my diplomas and transcripts, with translations"),
    ),
    FrameworkGoal("soc_bank", Domain.SOCIAL_ROLES, _("Open a bank account")),
    FrameworkGoal("soc_school", Domain.SOCIAL_ROLES, _("Enrol my children in school")),
    FrameworkGoal("soc_doctor", Domain.SOCIAL_ROLES, _("Find a family doctor")),
    FrameworkGoal("soc_health_fund", Domain.SOCIAL_ROLES, _("Join a health insurance fund")),
    FrameworkGoal("soc_papers", Domain.SOCIAL_ROLES, _("Keep my household papers in order")),
)

BY_CODE: dict[str, FrameworkGoal] = {goal.code: goal for goal in FRAMEWORK}


def framework_label(code: str) -> str:
    goal = BY_CODE.get(code)
    return str(goal.label) if goal else ""


def grouped() -> list[tuple[str, list[FrameworkGoal]]]:
    """The framework by domain, in the domains' order, for a grouped choice list."""
    return [
        (str(label), [goal for goal in FRAMEWORK if goal.domain == value])
        for value, label in Domain.choices
    ]
