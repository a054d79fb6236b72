"""Ingest from the back office: each item through the same services as the screens.

A batch is one transaction; a failing item never undoes the others. Each item answers like a
single call would: applied (201), unchanged (200: same version again), conflict (409: the
portal holds a newer version, returned as ``current_version``), invalid (422) or not found (404).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError as ApiValidationError

from learner.appointments.services.backoffice import SlotResult, slots_upsert_from_backoffice
from learner.profiles.models import LearnerProfile
from learner.profiles.services import (
    NewLearner,
    VersionConflictError,
    learner_upsert_from_backoffice,
    learners_register_many,
)
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
from portal.backoffice.serializers import FACT_KINDS


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
    """Apply an ingest batch under ``key`` (see ``idempotent_apply``): (status, answer)."""
    return idempotent_apply(
        agency=agency,
        key=key,
        digest=digest,
        apply=lambda: results_payload(ingest_batch(agency=agency, items=items)),
    )


def slots_idempotent(
    *, agency: Agency, key: str, digest: str, items: list[dict[str, Any]]
) -> tuple[int, dict[str, Any]]:
    """Publish a batch of slots under ``key`` (see ``idempotent_apply``): (status, answer)."""
    return idempotent_apply(
        agency=agency,
        key=key,
        digest=digest,
        apply=lambda: results_payload(slots_upsert_from_backoffice(agency=agency, items=items)),
    )


def idempotent_apply(
    *, agency: Agency, key: str, digest: str, apply: Callable[[], dict[str, Any]]
) -> tuple[int, dict[str, Any]]:
    """Apply a batch and keep its answer under ``key``, in one transaction: (status, answer).

    ``apply`` returns the answer, a ``results`` list with a ``code`` per item: 200 when every
    item was applied or unchanged, else 207. The batch and its answer commit together, so a
    portal killed mid-batch has applied nothing and a retry with the same key applies it once;
    a retry after commit gets the stored answer.
    """
    try:
        with transaction.atomic():
            payload = apply()
            codes = [result["code"] for result in payload["results"]]
            code = 200 if all(c in {200, 201} for c in codes) else 207
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
    """Apply a batch inside the caller's transaction in the order facts depend on each other:
    learners, eligibility, contracts, then the other facts.

    New learners and new contracts are made in bulk (``learners_register_many``,
    ``contracts_sign_many``); changes to existing ones go one by one through their services,
    each in a savepoint; facts go through ``facts_upsert_many`` (a few queries per kind for the
    whole batch). Within a kind, items apply in the order sent. Each learner's trajectory is
    recomputed once, after the batch, by a queued task.
    """
    results: list[ItemResult | None] = [None] * len(items)
    # The read models are rebuilt by a background task (queued in this transaction): a batch
    # costs its writes only; screens judge from the facts until then.
    with transaction.atomic(), trajectory_refresh_deferred(queued=True):
        learners = [(i, item) for i, item in enumerate(items) if item["kind"] == "learner"]
        for index, result in _apply_learners(agency, learners):
            results[index] = result
        eligibility = [(i, item) for i, item in enumerate(items) if item["kind"] == "eligibility"]
        for index, result in _apply_facts(agency, eligibility):
            results[index] = result
        contracts = [(i, item) for i, item in enumerate(items) if item["kind"] == "contract"]
        for index, result in _apply_contracts(agency, contracts):  # signing needs eligibility
            results[index] = result
        facts = [
            (index, item)
            for index, item in enumerate(items)
            if item["kind"] in FACT_KINDS and item["kind"] != "eligibility"
        ]
        for index, result in _apply_facts(agency, facts):
            results[index] = result
    return [result for result in results if result is not None]


def _result(index: int, item: dict[str, Any]) -> ItemResult:
    return ItemResult(index, item["kind"], item["external_id"], "applied", 201, item["version"])


def _first_of_each(
    items: list[tuple[int, dict[str, Any]]], fresh: set[str]
) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[int, dict[str, Any]]]]:
    """Split into the first item of each learner in ``fresh`` (made in bulk) and the rest,
    which follow one by one, in order, after the bulk step (later versions, updates)."""
    first: list[tuple[int, dict[str, Any]]] = []
    rest: list[tuple[int, dict[str, Any]]] = []
    seen: set[str] = set()
    for index, item in items:
        dossier = item["learner"]
        if dossier in fresh and dossier not in seen:
            seen.add(dossier)
            first.append((index, item))
        else:
            rest.append((index, item))
    return first, rest


def _apply_learners(
    agency: Agency, items: list[tuple[int, dict[str, Any]]]
) -> list[tuple[int, ItemResult]]:
    """New learners in bulk (``learners_register_many``); updates through the single service."""
    if not items:
        return []
    dossiers = {item["learner"] for _index, item in items}
    known = set(
        LearnerProfile.objects.filter(dossier_number__in=dossiers).values_list(
            "dossier_number", flat=True
        )
    )
    first, rest = _first_of_each(items, dossiers - known)
    done: list[tuple[int, ItemResult]] = []
    validator = serializers.LearnerData()
    checked: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    for index, item in first:
        try:
            checked.append((index, item, dict(validator.run_validation(item["values"]))))
        except ApiValidationError as exc:
            done.append((index, _invalid(_result(index, item), exc)))
    municipalities = {
        m.nis_code: m
        for m in Municipality.objects.filter(
            nis_code__in={values["municipality_nis_code"] for _i, _it, values in checked}
        )
    }
    case_managers = {
        u.username: u
        for u in User.objects.filter(
            username__in={values.get("case_manager") for _i, _it, values in checked},
            role=Role.CASE_MANAGER,
            agency=agency,
            is_active=True,
        )
    }
    new: list[tuple[int, dict[str, Any], NewLearner]] = []
    for index, item, values in checked:
        nis_code = values.pop("municipality_nis_code")
        username = values.pop("case_manager", None)
        problem = None
        if nis_code not in municipalities:
            problem = {"municipality_nis_code": [f"Unknown NIS code {nis_code}."]}
        elif username and username not in case_managers:
            problem = {"case_manager": [f"No active case manager {username}."]}
        if problem:
            done.append((index, _invalid(_result(index, item), ValidationError(problem))))
            continue
        values["municipality"] = municipalities[nis_code]
        learner = NewLearner(item["learner"], item["version"], values)
        learner.case_manager = case_managers.get(username) if username else None
        new.append((index, item, learner))
    try:
        with transaction.atomic():
            learners_register_many(agency=agency, learners=[n for _i, _it, n in new])
    except IntegrityError:  # the database refused one (a taken username): one at a time
        rest = sorted(rest + [(index, item) for index, item, _n in new])
        new = []
    for index, item, learner in new:
        result = _result(index, item)
        if learner.error is not None:
            _invalid(result, learner.error)
        done.append((index, result))
    done.extend((index, _apply_one(agency, index, item)) for index, item in rest)
    return done


def _apply_contracts(
    agency: Agency, items: list[tuple[int, dict[str, Any]]]
) -> list[tuple[int, ItemResult]]:
    """New contracts in bulk (``contracts_sign_many``); changes through the single path."""
    if not items:
        return []
    profiles = _locked_profiles(agency, {item["learner"] for _index, item in items})
    signed = set(
        Contract.objects.filter(learner__in=profiles.values()).values_list(
            "learner__dossier_number", flat=True
        )
    )
    first, rest = _first_of_each(items, set(profiles) - signed)
    done: list[tuple[int, ItemResult]] = []
    validator = serializers.ContractData()
    signings: list[tuple[int, dict[str, Any], trajectory.Signing]] = []
    for index, item in first:
        try:
            values = validator.run_validation(item["values"])
        except ApiValidationError as exc:
            done.append((index, _invalid(_result(index, item), exc)))
            continue
        signings.append(
            (
                index,
                item,
                trajectory.Signing(
                    learner=profiles[item["learner"]],
                    signed_on=values["signed_on"],
                    richttermijn=values["richttermijn"],
                    deadlines={
                        name: values.get(f"{name}_deadline")
                        for name in ("mo", "nt2", "work", "participation")
                    },
                    external_id=item["external_id"],
                    version=item["version"],
                    signed_on_paper=values["declaration_signed_on_paper"],
                ),
            )
        )
    try:
        with transaction.atomic():
            trajectory.contracts_sign_many([signing for _i, _it, signing in signings])
    except IntegrityError:
        rest = sorted(rest + [(index, item) for index, item, _s in signings])
        signings = []
    for index, item, signing in signings:
        result = _result(index, item)
        if signing.error is not None:
            _invalid(result, signing.error)
        done.append((index, result))
    done.extend((index, _apply_one(agency, index, item)) for index, item in rest)
    return done


def _invalid(result: ItemResult, exc: ValidationError | ApiValidationError) -> ItemResult:
    result.status, result.code, result.detail = "invalid", 422, _errors(exc)
    return result


def _locked_profiles(agency: Agency, dossiers: set[str]) -> dict[str, LearnerProfile]:
    """The agency's learners among ``dossiers``, locked in id order (others: "not found")."""
    return {
        p.dossier_number: p
        for p in LearnerProfile.objects.select_for_update()
        .select_related("user", "agency", "municipality")
        .filter(agency=agency, dossier_number__in=dossiers)
        .order_by("pk")
    }


def _apply_facts(
    agency: Agency, items: list[tuple[int, dict[str, Any]]]
) -> list[tuple[int, ItemResult]]:
    if not items:
        return []
    profiles = _locked_profiles(agency, {item["learner"] for _index, item in items})
    validators = {kind: data() for kind, (_model, data) in FACT_KINDS.items()}
    done: list[tuple[int, ItemResult]] = []
    upserts: list[tuple[int, dict[str, Any], trajectory.Upsert]] = []
    for index, item in items:
        result = ItemResult(index, item["kind"], item["external_id"], "", 0, item["version"])
        profile = profiles.get(item["learner"])
        if profile is None:
            result.status, result.code = "not_found", 404
            done.append((index, result))
            continue
        try:
            # One serializer per kind, its fields built once, run for each item.
            values = validators[item["kind"]].run_validation(item["values"])
        except ApiValidationError as exc:
            result.status, result.code, result.detail = "invalid", 422, _errors(exc)
            done.append((index, result))
            continue
        model, _data = FACT_KINDS[item["kind"]]
        upsert = trajectory.Upsert(
            profile, model, item["external_id"], item["version"], dict(values)
        )
        upserts.append((index, item, upsert))
    trajectory.facts_upsert_many([upsert for _index, _item, upsert in upserts])
    for index, item, upsert in upserts:
        result = ItemResult(index, item["kind"], item["external_id"], "", 0, item["version"])
        result.status, result.code = OUTCOMES[upsert.outcome]
        result.current_version = upsert.current_version
        if upsert.error is not None:
            result.detail = _errors(upsert.error)
        done.append((index, result))
    return done


OUTCOMES = {
    "applied": ("applied", 201),
    "unchanged": ("unchanged", 200),
    "conflict": ("conflict", 409),
    "invalid": ("invalid", 422),
}


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
    if kind == "contract":
        return _apply_contract(_learner(agency, item["learner"]), item)
    raise ValueError(f"{kind} records are applied by _apply_facts.")


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


def results_payload(results: Sequence[ItemResult | SlotResult]) -> dict[str, Any]:
    return {"results": [asdict(r) for r in results]}
