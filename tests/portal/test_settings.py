"""Settings as deployed: production refuses unsafe values, check --deploy is clean, SQLite WAL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAFE_KEY = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz!@#$%"


def run_manage(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PORTAL_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environ.update({"PORTAL_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_the_default_secret_key_and_debug(tmp_path: Path) -> None:
    result = run_manage(
        "check",
        tmp_path=tmp_path,
        PORTAL_ENV="production",
        PORTAL_DEBUG="true",
        PORTAL_ALLOWED_HOSTS="portal.example",
    )
    assert result.returncode != 0
    assert "PORTAL_SECRET_KEY must be set" in result.stderr
    assert "PORTAL_DEBUG must be off" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path: Path) -> None:
    result = run_manage(
        "check", tmp_path=tmp_path, PORTAL_ENV="production", PORTAL_SECRET_KEY=SAFE_KEY
    )
    assert result.returncode != 0
    assert "PORTAL_ALLOWED_HOSTS" in result.stderr


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        PORTAL_ENV="production",
        PORTAL_SECRET_KEY=SAFE_KEY,
        PORTAL_ALLOWED_HOSTS="portal.example",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_unknown_boolean_is_an_error_not_a_guess(tmp_path: Path) -> None:
    result = run_manage("check", tmp_path=tmp_path, PORTAL_DEBUG="maybe")
    assert result.returncode != 0
    assert "PORTAL_DEBUG must be true or false" in result.stderr


@pytest.mark.skipif(bool(os.environ.get("PORTAL_DATABASE_URL")), reason="SQLite only")
def test_embedded_database_runs_in_wal_mode(tmp_path: Path) -> None:
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0])"
    )
    result = run_manage("shell", "-c", code, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "wal"


def test_static_files_are_collected_with_hashed_names_and_compressed(tmp_path: Path) -> None:
    result = run_manage("collectstatic", "--noinput", "-v", "0", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    css = {path.name for path in (tmp_path / "static" / "css").iterdir()}
    hashed = [name for name in css if name.startswith("portal.") and name.endswith(".css")]
    assert len(hashed) == 2  # portal.css and portal.<hash>.css
    fingerprinted = next(name for name in hashed if name != "portal.css")
    assert f"{fingerprinted}.gz" in css
    assert f"{fingerprinted}.br" in css


def test_lesson_content_translation_is_ready_for_all_languages() -> None:
    from django.conf import settings
    from modeltranslation import settings as mt

    assert list(mt.AVAILABLE_LANGUAGES) == [code for code, _ in settings.LANGUAGES]
    assert mt.DEFAULT_LANGUAGE == "nl"
    assert mt.FALLBACK_LANGUAGES == {"default": ("nl",)}
