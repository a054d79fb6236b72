"""Pure rules about accounts and organisations: plain data in, answers out (no ORM)."""

from __future__ import annotations

import itertools
import re
import secrets
import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    """Where the learner lives decides fee rules and the employment service (VDAB or Actiris)."""

    FLANDERS = "flanders", _("Flanders")
    BRUSSELS = "brussels", _("Brussels-Capital Region")


NIS_CODE_RE = re.compile(r"^\d{5}$")
# Provinces by the first digit(s) of the NIS code: Antwerp 1, Flemish Brabant 23/24, West and East
# Flanders 3 and 4, Limburg 7. 21 is the Brussels-Capital Region. Walloon codes (25, 5, 6, 8, 9)
# are outside Flemish integration and have no region here.
_FLEMISH_PREFIXES = ("1", "23", "24", "3", "4", "7")


def region_for_nis_code(nis_code: str) -> Region | None:
    """The region of a municipality from its NIS code; None outside Flanders and Brussels."""
    if not NIS_CODE_RE.match(nis_code):
        return None
    if nis_code.startswith("21"):
        return Region.BRUSSELS
    if nis_code.startswith(_FLEMISH_PREFIXES):
        return Region.FLANDERS
    return None


# Activation codes are typed by people who read little: no 0/O, 1/I/L, and grouped in fives.
ACTIVATION_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ACTIVATION_CODE_LENGTH = 10  # 31**10 ≈ 2**49.5 possibilities, and attempts are rate-limited


def activation_code_generate() -> str:
    return "".join(secrets.choice(ACTIVATION_ALPHABET) for _ in range(ACTIVATION_CODE_LENGTH))


def activation_code_normalise(raw: str) -> str:
    """What the person typed, as stored: upper case, without spaces or dashes."""
    return re.sub(r"[\s\-]", "", raw).upper()


def activation_code_display(code: str) -> str:
    """The code as printed on the letter: two groups of five."""
    return f"{code[:5]}-{code[5:]}"


def digits_to_ascii(text: str) -> str:
    """Arabic-Indic, Persian and other decimal digits as 0-9: a PIN typed on any keyboard works."""
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)


def pin_weakness(pin: str) -> str | None:
    """Why a six-digit PIN is too easy to guess, or None when it is acceptable.

    Refuses the PINs people pick most (all the same digit, straight runs up or down), which make
    up a large share of guesses an attacker tries first.
    """
    if not re.fullmatch(r"[0-9]{6}", pin):
        return "format"
    if len(set(pin)) == 1:
        return "repeated"
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    if steps in ({1}, {-1}):
        return "sequence"
    return None
