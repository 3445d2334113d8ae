"""Translations are complete, compiled, current with the source, and the language switch works.

Ukrainian is the default interface language; English is the source language; Dutch is the third.
The compiled .mo files are committed, so installing Vidnova needs no gettext tools.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

VIDNOVA_DIR = Path(__file__).resolve().parents[2]
LOCALE_DIR = VIDNOVA_DIR / "locale"
TRANSLATED_LANGUAGES = ["uk", "nl"]  # English is the source text


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def load_po(language: str) -> polib.POFile:
    path = po_path(language)
    if not path.exists():
        pytest.fail(f"{path.relative_to(VIDNOVA_DIR.parent)} is missing")
    return polib.pofile(str(path))


def test_every_interface_language_has_a_catalogue() -> None:
    assert [code for code, _name in settings.LANGUAGES] == ["uk", "en", "nl"]
    assert settings.LANGUAGE_CODE == "uk"


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    catalogue = load_po(language)
    missing = [entry.msgid for entry in catalogue.untranslated_entries() if not entry.obsolete]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries() if not entry.obsolete]
    assert missing == [], f"{len(missing)} untranslated message(s) in {language}: {missing}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy message(s) in {language}: {fuzzy}"


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_placeholders_survive_translation(language: str) -> None:
    placeholder = re.compile(r"%\((\w+)\)[sdi]")

    def names(text: str) -> set[str]:
        return set(placeholder.findall(text))

    broken = []
    for entry in load_po(language).translated_entries():
        expected = names(entry.msgid) | names(entry.msgid_plural or "")
        translations = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in translations:
            if names(text) - expected or (not entry.msgid_plural and names(text) != expected):
                broken.append(f"{entry.msgid!r} -> {text!r}")
    assert broken == [], f"placeholders differ in {language}: {broken}"


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_the_committed_mo_file_matches_the_po_file(language: str) -> None:
    """Run ``manage.py compilemessages`` after editing a .po file, and commit the .mo file."""
    catalogue = load_po(language)
    mo_path = po_path(language).with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run manage.py compilemessages"
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.mofile(str(mo_path)) if entry.msgid}
    expected = {
        (entry.msgctxt, entry.msgid): entry.msgstr
        for entry in catalogue.translated_entries()
        if not entry.msgid_plural and not entry.obsolete
    }
    stale = sorted(msgid for (_context, msgid), msgstr in expected.items() if compiled.get((_context, msgid)) != msgstr)
    assert stale == [], f"{mo_path.name} for {language} is out of date for: {stale}"


def test_known_strings_load_from_the_compiled_catalogues() -> None:
    with translation.override("uk"):
        assert translation.gettext("Hromadas") == "Громади"
    with translation.override("nl"):
        assert translation.gettext("Hromadas") == "Hromada's"
    with translation.override("en"):
        assert translation.gettext("Hromadas") == "Hromadas"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext) to extract messages")
def test_the_catalogues_contain_every_message_in_the_source(tmp_path: Path) -> None:
    """A string added to the code or templates must reach the .po files (makemessages)."""
    copy = tmp_path / "vidnova"
    shutil.copytree(
        VIDNOVA_DIR,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.po", "*.mo", "static", "data", "tests", "testing"),
    )
    (copy / "locale").mkdir(exist_ok=True)
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    # Without settings, makemessages writes to the copy's own locale directory, not the real one.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--no-location",
            "--no-obsolete",
            "-e",
            "html,txt,py",
            "-l",
            "uk",
            "-l",
            "nl",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for language in TRANSLATED_LANGUAGES:
        extracted = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
        committed = {(entry.msgctxt, entry.msgid) for entry in load_po(language) if not entry.obsolete}
        new = sorted(entry.msgid for entry in extracted if (entry.msgctxt, entry.msgid) not in committed)
        assert new == [], f"{len(new)} message(s) missing from the {language} catalogue (run makemessages): {new}"


@pytest.mark.django_db
def test_the_default_language_is_ukrainian() -> None:
    response = Client().get("/")
    assert '<html lang="uk">' in response.content.decode()


@pytest.mark.django_db
def test_the_browser_language_does_not_override_ukrainian() -> None:
    # Ukrainian first: only an explicit choice (switcher cookie, account preference) changes it.
    response = Client(headers={"accept-language": "nl-NL,nl;q=0.9"}).get("/")
    assert '<html lang="uk">' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "nl", "uk"])
def test_switching_the_language_sets_the_cookie_and_the_next_page_follows(language: str) -> None:
    client = Client(headers={"accept-language": "uk"})
    response = client.post("/i18n/setlang/", {"language": language, "next": "/data-sources/"})
    assert response.status_code == 302
    assert response["Location"] == "/data-sources/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == language
    assert cookie["samesite"] == "Lax"
    page = client.get("/data-sources/")
    assert f'<html lang="{language}">' in page.content.decode()


@pytest.mark.django_db
def test_the_language_switch_refuses_to_redirect_to_another_host() -> None:
    response = Client().post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_the_language_switch_changes_the_visible_text() -> None:
    client = Client()
    with translation.override("uk"):
        ukrainian_label = translation.gettext("Skip to main content")
    assert ukrainian_label in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Skip to main content" in client.get("/").content.decode()


def test_ukrainian_dates_read_as_in_running_text() -> None:
    import datetime

    from django.utils.formats import date_format

    with translation.override("uk"):
        assert date_format(datetime.date(2027, 1, 1)) == "1 січня 2027 р."
        assert date_format(datetime.date(2027, 3, 15), "SHORT_DATE_FORMAT") == "15.03.2027"  # Django's own
