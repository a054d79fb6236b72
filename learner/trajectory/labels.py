"""Words for the trajectory's codes, in the reader's language: statuses, pillars, deadlines, fees.

Neutral wording on purpose: a case manager is a coach, and the learner reads what counts and what
happens if a deadline is missed, never a threat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from learner.trajectory.rules import Pillar, Status

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

STATUS: dict[str, _StrPromise] = {
    Status.OPEN: _("Not started"),
    Status.IN_PROGRESS: _("In progress"),
    Status.MET: _("Done"),
    Status.MET_LATE: _("Done, but late"),
    Status.EXEMPT: _("Exempted"),
    Status.OPTIONAL: _("Optional for you"),
}

PILLAR: dict[str, _StrPromise] = {
    Pillar.MO: _("Civic orientation (MO)"),
    Pillar.NT2: _("Dutch (NT2)"),
    Pillar.WORK: _("Work"),
    Pillar.PARTICIPATION: _("Participation and network"),
}

WHAT_COUNTS: dict[str, _StrPromise] = {
    Pillar.MO: _(
        "You pass the MO test. If the agency screened you for it, the exemption test counts too."
    ),
    Pillar.NT2: _(
        "You pass the Dutch test at level %(level)s. Going to class alone does not count."
    ),
    Pillar.WORK: _(
        "You register with %(service)s as a job seeker before the date shown. "
        "If you have a job, this part is done."
    ),
    Pillar.PARTICIPATION: _(
        "%(hours)s hours of participation (buddy, internship, volunteering), confirmed by your "
        "buddy or host."
    ),
}

IF_MISSED: dict[str, _StrPromise] = {
    Pillar.MO: _(
        "If you do not take part or do not take the test, the agency is told. "
        "Ask your case manager for help in time."
    ),
    Pillar.NT2: _(
        "If you do not take part in the lessons regularly, the agency is told. "
        "Ask your case manager for help in time."
    ),
    Pillar.WORK: _("A late registration still counts, but the agency is told that it was late."),
    Pillar.PARTICIPATION: _(
        "If the hours are not reached by the guiding deadline, the agency is told."
    ),
}

OPTIONAL_WHY = _("This part is optional for you: you work, study or take part voluntarily.")

DEADLINE: dict[str, _StrPromise] = {
    "richttermijn": _("Guiding deadline of your trajectory"),
    "registration": _("Register with the employment service by"),
    "component": _("Deadline agreed with your case manager"),
    "b1": _("B1 oral test by"),
}

FEE_REASON: dict[str, _StrPromise] = {
    "mo_course": _("Charged once"),
    "mo_repeat_course": _("After a failed MO test"),
    "per_attempt": _("Per attempt"),
    "nt2_per_lestijd": _("%(rate)s per lestijd, at most %(cap)s in total"),
    "nt2_cap_reached": _("The maximum is reached: nothing more to pay"),
    "utc_flat": _("One amount for the whole course"),
    "brussels": _("Free: you live in the Brussels-Capital Region"),
}

SIGNAL: dict[str, _StrPromise] = {
    "late_employment_service_registration": _("Late registration with VDAB or Actiris"),
    "participation_not_met": _("Participation hours not reached by the guiding deadline"),
    "late_reporting": _("Reported late to the agency"),
    "refused_intake": _("Refused the intake"),
    "refused_contract": _("Refused to sign the contract"),
    "irregular_mo_participation": _("Did not take part in MO regularly"),
    "irregular_nt2_participation": _("Did not take part in NT2 regularly"),
    "refused_test": _("Refused a test"),
    "refused_retest": _("Refused a retest after failing"),
}

EVENT: dict[str, _StrPromise] = {
    "profiles.learner.registered": _("Dossier created"),
    "profiles.caseload.assigned": _("Case manager assigned"),
    "profiles.learner.updated": _("Dossier updated by the agency"),
    "accounts.user.activated": _("Account activated"),
    "trajectory.fact.recorded": _("Fact recorded"),
    "trajectory.contract.signed": _("Contract signed"),
    "trajectory.deadline.changed": _("Deadline changed"),
    "trajectory.declaration.acknowledged": _("Declaration read"),
    "trajectory.declaration.signed": _("Declaration signed"),
    "trajectory.test.result_recorded": _("Test result recorded"),
    "trajectory.exemption.decided": _("Exemption decided"),
    "trajectory.suspension.decided": _("Suspension decided"),
    "trajectory.pillar.met": _("Pillar met"),
    "trajectory.signal.raised": _("Signal raised"),
    "trajectory.signal.withdrawn": _("Signal withdrawn"),
    "trajectory.attest.issued": _("Attest issued"),
    "trajectory.advice.sent": _("Advice sent to the Immigration Office"),
    "trajectory.proof.renewed": _("Proof code renewed"),
}
