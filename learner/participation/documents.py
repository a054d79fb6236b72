"""The uniform proof of confirmed participation hours, as a PDF for the case manager's file."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from learner.participation import selectors
from learner.profiles.models import LearnerProfile


def hours_proof_html(profile: LearnerProfile) -> str:
    """Always in Dutch: the agency files it, whatever language the learner reads."""
    entries = list(selectors.confirmed_entries(profile))
    with translation.override("nl"):
        return render_to_string(
            "participation/proof.html",
            {
                "profile": profile,
                "entries": entries,
                "total_hours": sum(e.minutes for e in entries) / 60,
                "made_at": timezone.localtime(),
            },
        )


def hours_proof_pdf(profile: LearnerProfile) -> bytes:
    pdf: bytes = HTML(string=hours_proof_html(profile)).write_pdf()
    return pdf
