"""Ingest from the back office: each item through the same services as the screens.

A batch is one transaction, with a savepoint per item (a failing item never undoes the others);
each item answers like a single call would: applied (201), unchanged (200: same version again), conflict (409: the portal
holds a newer version, returned as ``current_version``), invalid (422) or not found (404).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError as ApiValidationError

from learner.profiles.models import LearnerProfile
from learner.profiles.services import VersionConflictError, learner_upsert_from_backoffice
from learner.trajectory import services as trajectory
from learner.trajectory.models import Contract, Declaration, DeclarationAcknowledgement
from learner.trajectory.models.facts import DeadlineComponent, Source
from learner.trajectory.selectors import declaration_current
from learner.trajectory.services.refresh import lock
from learner.trajectory.services.refresh import refresh_deferred as trajectory_refresh_deferred
from portal.accounts.models import Agency, Municipality, Role, User
from portal.backoffice import serializers
from portal.backoffice.authentication import PREFIX_LENGTH, token_digest
from portal.backoffice.models import ApiToken, IdempotencyRecord


@dataclass
class ItemResult:
    index: int
    kind: str
    external_id: str
    status: str
    code: int
    version: int | None = None
    current_version: int | None = None
    detail: Any = field(default=None)


def token_create(*, agency: Agency, name: str, actor: User | None) -> tuple[ApiToken, str]:
    """A new token for ``agency``; the secret is returned once and stored only as a digest."""
    secret = f"bo_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        agency=agency,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        digest=token_digest(secret),
        created_by=actor,
    )
    return token, secret


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def request_digest(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def idempotent_answer(*, agency: Agency, key: str) -> IdempotencyRecord | None:
    """The answer stored for this key, if any (the caller compares the request digests)."""
    return IdempotencyRecord.objects.filter(agency=agency, key=key).first()


class _TwinStoredFirstError(Exception):
    """A concurrent request with the same key committed first: roll back, answer as it did."""


def ingest_idempotent(
    *, agency: Agency, key: str, digest: str, items: list[dict[str, Any]]
) -> tuple[int, dict[str, Any]]:
    """Apply a batch and keep its answer under ``key``, in one transaction: (status, answer).

    The batch and its answer commit together, so a portal killed mid-batch has applied nothing
    and a retry with the same key applies it once; a retry after commit gets the stored answer.
    """
    try:
        with transaction.atomic():
            results = ingest_batch(agency=agency, items=items)
            code = 200 if all(r.code in {200, 201} for r in results) else 207
            payload = results_payload(results)
            try:
                with transaction.atomic():
                    IdempotencyRecord.objects.create(
                        agency=agency,
                        key=key,
                        request_digest=digest,
                        status_code=code,
                        response=payload,
                    )
            except IntegrityError as exc:
                raise _TwinStoredFirstError from exc
    except _TwinStoredFirstError:
        earlier = IdempotencyRecord.objects.get(agency=agency, key=key)
        return earlier.status_code, earlier.response
    return code, payload


def _errors(exc: ValidationError | ApiValidationError) -> Any:
    if isinstance(exc, ApiValidationError):
        return json.loads(json.dumps(exc.detail))  # plain data: it is stored for replays
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"non_field_errors": [str(m) for m in exc.messages], "code": exc.code}


def ingest_batch(*, agency: Agency, items: list[dict[str, Any]]) -> list[ItemResult]:
    """Apply the items of each learner in order, in one transaction per learner.

    Each item has its own savepoint (a failing item leaves the others applied) and the
    learner's trajectory is recomputed once, after their last item.
    """
    by_learner: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for index, item in enumerate(items):
        by_learner.setdefault(item["learner"], []).append((index, item))
    results: list[ItemResult] = []
    for group in by_learner.values():
        with transaction.atomic(), trajectory_refresh_deferred():
            results.extend(_apply_one(agency, index, item) for index, item in group)
    return sorted(results, key=lambda result: result.index)


def _apply_one(agency: Agency, index: int, item: dict[str, Any]) -> ItemResult:
    result = ItemResult(
        index=index,
        kind=item["kind"],
        external_id=item["external_id"],
        status="applied",
        code=201,
        version=item["version"],
    )
    try:
        with transaction.atomic():  # the item's savepoint
            changed = _apply(agency, item)
    except VersionConflictError as exc:
        result.status, result.code = "conflict", 409
        result.current_version = exc.current_version
    except LearnerProfile.DoesNotExist:
        result.status, result.code = "not_found", 404
    except (ValidationError, ApiValidationError) as exc:
        result.status, result.code, result.detail = "invalid", 422, _errors(exc)
    except IntegrityError as exc:  # a database constraint the validation did not foresee
        result.status, result.code = "invalid", 422
        result.detail = {"non_field_errors": [str(exc).splitlines()[0][:200]]}
    else:
        if not changed:
            result.status, result.code = "unchanged", 200
    return result


def _learner(agency: Agency, dossier_number: str) -> LearnerProfile:
    """Scoped to the calling agency: another agency's dossier is "not found"."""
    return LearnerProfile.objects.select_related("user", "agency").get(
        agency=agency, dossier_number=dossier_number
    )


def _apply(agency: Agency, item: dict[str, Any]) -> bool:
    kind = item["kind"]
    if kind == "learner":
        return _apply_learner(agency, item)
    learner = _learner(agency, item["learner"])
    if kind == "contract":
        return _apply_contract(learner, item)
    model, data_serializer = serializers.FACT_KINDS[kind]
    values = serializers.validated(data_serializer, item["values"])
    _fact, changed = trajectory.fact_upsert(
        learner=learner,
        model=model,
        external_id=item["external_id"],
        version=item["version"],
        values=values,
    )
    return changed


def _apply_learner(agency: Agency, item: dict[str, Any]) -> bool:
    values = serializers.validated(serializers.LearnerData, item["values"])
    nis_code = values.pop("municipality_nis_code")
    municipality = Municipality.objects.filter(nis_code=nis_code).first()
    if municipality is None:
        raise ValidationError({"municipality_nis_code": [f"Unknown NIS code {nis_code}."]})
    values["municipality"] = municipality
    case_manager = None
    if username := values.pop("case_manager", None):
        case_manager = User.objects.filter(
            username=username, role=Role.CASE_MANAGER, agency=agency, is_active=True
        ).first()
        if case_manager is None:
            raise ValidationError({"case_manager": [f"No active case manager {username}."]})
    with transaction.atomic():
        profile, changed = learner_upsert_from_backoffice(
            agency=agency,
            dossier_number=item["learner"],
            version=item["version"],
            values=values,
            case_manager=case_manager,
        )
        if changed and Contract.objects.filter(learner=profile).exists():
            # Employment, municipality or literacy change what the rules conclude.
            trajectory.trajectory_refresh(learner=lock(profile), actor=None)
    return changed


def _apply_contract(learner: LearnerProfile, item: dict[str, Any]) -> bool:
    values = serializers.validated(serializers.ContractData, item["values"])
    version = item["version"]
    deadlines = {
        name: values.get(f"{name}_deadline") for name in ("mo", "nt2", "work", "participation")
    }
    with transaction.atomic():
        contract = Contract.objects.select_for_update().filter(learner=learner).first()
        if contract is None:
            if values["declaration_signed_on_paper"]:
                _paper_acknowledgement(learner, values["signed_on"])
            contract = trajectory.contract_sign(
                learner=learner,
                signed_on=values["signed_on"],
                richttermijn=values["richttermijn"],
                actor=None,
                deadlines=deadlines,
                source=Source.BACKOFFICE,
            )
            Contract.objects.filter(pk=contract.pk).update(
                external_id=item["external_id"], version=version
            )
            return True
        if version < contract.version:
            raise VersionConflictError(contract.version)
        if version == contract.version:
            return False
        wanted: dict[DeadlineComponent, date | None] = {
            DeadlineComponent.RICHTTERMIJN: values["richttermijn"],
            **{DeadlineComponent(name): day for name, day in deadlines.items()},
        }
        for component, day in wanted.items():
            field_name = (
                "richttermijn"
                if component == DeadlineComponent.RICHTTERMIJN
                else f"{component}_deadline"
            )
            if getattr(contract, field_name) != day:
                trajectory.contract_deadline_change(
                    learner=learner,
                    component=component,
                    new=day,
                    reason=f"Back office, version {version}",
                    actor=None,
                    from_backoffice=True,
                )
        Contract.objects.filter(pk=contract.pk).update(
            external_id=item["external_id"], version=version, source=Source.BACKOFFICE
        )
    return True


def _paper_acknowledgement(learner: LearnerProfile, signed_on: date) -> None:
    declaration: Declaration | None = declaration_current(signed_on)
    if declaration is None:
        return
    now = timezone.now()
    DeclarationAcknowledgement.objects.get_or_create(
        learner=learner,
        declaration=declaration,
        defaults={"language": "paper", "acknowledged_at": now, "signed_at": now},
    )


def results_payload(results: list[ItemResult]) -> dict[str, Any]:
    return {"results": [asdict(r) for r in results]}
