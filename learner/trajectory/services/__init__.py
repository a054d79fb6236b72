"""Writes of the trajectory: every one locks the learner, records, recomputes and logs events."""

from learner.trajectory.services.contract import (
    Signing,
    contract_deadline_change,
    contract_proof_for,
    contract_sign,
    contracts_sign_many,
    declaration_acknowledge,
    eligibility_record,
    nt2_referral_record,
)
from learner.trajectory.services.decisions import advice_send, attest_issue
from learner.trajectory.services.facts import (
    RECORDABLE,
    Upsert,
    decision_record,
    exam_result_record,
    fact_record,
    fact_upsert,
    facts_upsert_many,
)
from learner.trajectory.services.refresh import trajectory_refresh
from learner.trajectory.services.rule_sets import rule_set_save

__all__ = [
    "RECORDABLE",
    "Signing",
    "Upsert",
    "advice_send",
    "attest_issue",
    "contract_deadline_change",
    "contract_proof_for",
    "contract_sign",
    "contracts_sign_many",
    "decision_record",
    "declaration_acknowledge",
    "eligibility_record",
    "exam_result_record",
    "fact_record",
    "fact_upsert",
    "facts_upsert_many",
    "nt2_referral_record",
    "rule_set_save",
    "trajectory_refresh",
]
