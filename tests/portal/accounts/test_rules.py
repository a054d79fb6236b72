import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.accounts import rules
from portal.accounts.rules import Region

BRUSSELS_CODES = [f"210{n:02d}" for n in range(1, 20)]


@pytest.mark.parametrize("nis_code", BRUSSELS_CODES)
def test_every_brussels_municipality_is_in_brussels(nis_code: str) -> None:
    assert rules.region_for_nis_code(nis_code) == Region.BRUSSELS


@pytest.mark.parametrize(
    ("nis_code", "region"),
    [
        ("11002", Region.FLANDERS),  # Antwerpen
        ("12025", Region.FLANDERS),  # Mechelen
        ("23088", Region.FLANDERS),  # Vilvoorde (Flemish Brabant)
        ("24062", Region.FLANDERS),  # Leuven
        ("31005", Region.FLANDERS),  # Brugge
        ("44021", Region.FLANDERS),  # Gent
        ("71016", Region.FLANDERS),  # Genk
        ("25072", None),  # Walloon Brabant
        ("62063", None),  # Liège
        ("92094", None),  # Namur
        ("2106", None),  # too short
        ("2101A", None),
        ("", None),
    ],
)
def test_region_for_nis_code(nis_code: str, region: Region | None) -> None:
    assert rules.region_for_nis_code(nis_code) == region


@pytest.mark.parametrize(
    ("pin", "weakness"),
    [
        ("482915", None),
        ("135790", None),
        ("111111", "repeated"),
        ("123456", "sequence"),
        ("987654", "sequence"),
        ("12345", "format"),
        ("1234567", "format"),
        ("12a456", "format"),
        ("١٢٣٤٥٦", "format"),  # only after digits_to_ascii
    ],
)
def test_pin_weakness(pin: str, weakness: str | None) -> None:
    assert rules.pin_weakness(pin) == weakness


def test_generated_codes_use_only_unambiguous_characters() -> None:
    codes = {rules.activation_code_generate() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == rules.ACTIVATION_CODE_LENGTH
        assert set(code) <= set(rules.ACTIVATION_ALPHABET)
        assert not set(code) & set("01ILO")


@given(st.text(alphabet=rules.ACTIVATION_ALPHABET, min_size=10, max_size=10))
def test_a_printed_code_typed_back_in_any_case_normalises_to_itself(code: str) -> None:
    printed = rules.activation_code_display(code)
    assert rules.activation_code_normalise(printed) == code
    assert rules.activation_code_normalise(f"  {printed.lower()} ") == code


@pytest.mark.parametrize(
    ("typed", "ascii_digits"),
    [("٤٨٢٩١٥", "482915"), ("۴۸۲۹۱۵", "482915"), ("482915", "482915"), ("pass٤", "pass4")],
)
def test_digits_from_any_keyboard_become_ascii(typed: str, ascii_digits: str) -> None:
    assert rules.digits_to_ascii(typed) == ascii_digits
