"""Every UI string translated in all 11 locales: nothing empty, fuzzy, missing or malformed."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
LOCALES = [code for code, _name in settings.LANGUAGES]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


def catalog(lang: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locales" / lang / "LC_MESSAGES" / "django.po"))


@pytest.fixture(scope="module")
def source_msgids(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The msgids makemessages extracts from the code now, in a scratch copy of the project."""
    scratch = tmp_path_factory.mktemp("extract")
    for part in ("portal", "learner", "portfolio", "static", "manage.py"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, scratch / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, scratch / part)
    (scratch / "locales" / "xx" / "LC_MESSAGES").mkdir(parents=True)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "xx",
            "--no-location",
            "-v",
            "0",
            "-e",
            "html,txt,py,json",
        ],
        cwd=scratch,
        check=True,
        capture_output=True,
        timeout=120,
    )
    extracted = polib.pofile(str(scratch / "locales" / "xx" / "LC_MESSAGES" / "django.po"))
    return {entry.msgid for entry in extracted}


def test_all_eleven_locales_exist() -> None:
    assert len(LOCALES) == 11
    for lang in LOCALES:
        assert catalog(lang).metadata["Language"] == lang


@pytest.mark.parametrize("lang", LOCALES)
def test_catalog_is_complete_and_current(lang: str, source_msgids: set[str]) -> None:
    po = catalog(lang)
    msgids = {entry.msgid for entry in po if not entry.obsolete}
    assert source_msgids - msgids == set(), "run makemessages: strings missing from the catalog"
    assert msgids - source_msgids == set(), "run makemessages: strings no longer in the code"
    nplurals = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))  # type: ignore[union-attr]
    for entry in po:
        assert not entry.fuzzy, f"{lang}: fuzzy {entry.msgid!r}"
        assert not entry.obsolete, f"{lang}: obsolete {entry.msgid!r}"
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            assert sorted(forms) == list(range(nplurals)), (
                f"{lang}: plural forms of {entry.msgid!r}"
            )
            assert all(text.strip() for text in forms.values()), f"{lang}: empty {entry.msgid!r}"
            translations = list(forms.values())
        else:
            assert entry.msgstr.strip(), f"{lang}: empty {entry.msgid!r}"
            translations = [entry.msgstr]
        expected = set(PLACEHOLDER.findall(entry.msgid))
        for text in translations:
            assert set(PLACEHOLDER.findall(text)) == expected, (
                f"{lang}: placeholders {entry.msgid!r}"
            )


@pytest.mark.parametrize("lang", LOCALES)
def test_catalog_compiles(lang: str, tmp_path: Path) -> None:
    po_file = ROOT / "locales" / lang / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(po_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
