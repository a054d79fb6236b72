"""Learners with a signed contract, the way a case manager gets them there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from learner.profiles.models import LearnerProfile
from learner.trajectory import services
from learner.trajectory.models import Contract, Declaration
from learner.trajectory.models.facts import Protection, Register
from portal.accounts.models import User


@pytest.fixture
def sign_contract(case_manager: User) -> Callable[..., Contract]:
    def sign(
        profile: LearnerProfile,
        *,
        signed_on: date = date(2026, 1, 31),
        richttermijn: date = date(2027, 1, 31),
        **deadlines: date | None,
    ) -> Contract:
        services.eligibility_record(
            learner=profile,
            register=Register.FOREIGNERS,
            protection=Protection.NONE,
            actor=case_manager,
        )
        services.declaration_acknowledge(
            learner=profile,
            declaration=Declaration.objects.get(version=1),
            language="ar",
            signed_name="Amal Haddad",
        )
        return services.contract_sign(
            learner=profile,
            signed_on=signed_on,
            richttermijn=richttermijn,
            actor=case_manager,
            deadlines=deadlines,
        )

    return sign
