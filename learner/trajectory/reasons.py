"""Why the rules refuse an action: reason codes and the sentence each one shows, in any language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

REASONS: dict[str, _StrPromise] = {
    "asylum_pending": _(
        "A contract cannot be signed while the asylum claim is pending. An NT2-only referral "
        "(Dutch lessons without a contract) is possible."
    ),
    "not_in_register": _(
        "A contract can only be signed by people in the foreigners' or population register."
    ),
    "eligibility_unknown": _("Record the register and protection status first."),
    "contract_exists": _("This learner already has a contract."),
    "no_contract": _("There is no signed contract yet."),
    "no_rule_set": _("No rule set is in force on that date."),
    "no_declaration": _("There is no declaration of rights and duties for that date."),
    "declaration_not_acknowledged": _(
        "The learner has not yet read and confirmed the declaration of rights and duties."
    ),
    "declaration_outdated": _(
        "The learner confirmed an older version of the declaration; the current one is needed."
    ),
    "declaration_not_signed": _("The declaration of rights and duties must be signed."),
    "richttermijn_before_signing": _("The guiding deadline cannot be before the signing date."),
    "already_passed": _("This test has already been passed."),
    "test_already_planned": _("A session for this test is already planned."),
    "repeat_course_required": _(
        "A new MO test is possible only after the repeat course (herhalingscursus)."
    ),
    "screening_required": _("The MO exemption test is possible only after a screening."),
    "not_planned": _("Only a planned test session can get a result."),
    "level_required": _("An NT2 or B1 result needs the level of the test."),
    "nt2_referral_not_possible": _(
        "An NT2-only referral is for asylum seekers whose claim is still pending."
    ),
    "already_decided": _("This request has already been decided."),
    "attest_exists": _("The attest has already been issued."),
    "attest_not_eligible": _("Not every pillar is met yet."),
    "attest_review_required": _(
        "This learner is uitgeleerd: confirm that you reviewed the dossier before issuing."
    ),
    "rule_set_in_force": _(
        "This rule set is already in force. Contracts signed under it keep it; create a new "
        "rule set with a future date instead."
    ),
    "rule_set_must_start_in_future": _("A new rule set must start after today."),
    "rule_set_date_taken": _("Another rule set already starts on that date."),
    "owned_by_backoffice": _("The agency's back office keeps this record: change it there."),
}


def refusal(code: str) -> ValidationError:
    """The error a service raises when the rules forbid an action; ``code`` is the reason code."""
    return ValidationError(REASONS[code], code=code)
