"""The translation catalogues are complete and compiled: tools/messages.py --check finds no
message missing from a .po and no stale .mo; every Spanish and French entry is translated (every
plural form), none is left fuzzy, and each keeps its message's placeholders; the compiled .mo
files are the ones Django loads."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

from tests.i18n.catalogues import entries, placeholders

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "commonmeasure"
LANGUAGES = ("es", "fr")
CATALOGUES = sorted(
    path for code in LANGUAGES for path in PACKAGE.glob(f"**/locale/{code}/LC_MESSAGES/django.po")
)


def name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_messages_check_finds_nothing_missing_or_stale():
    if shutil.which("xgettext") is None or shutil.which("msgfmt") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext (xgettext, msgfmt) is missing on CI: apt-get install gettext")
        pytest.skip("GNU gettext is not installed (apt-get install gettext, or make gettext)")
    result = subprocess.run(
        [sys.executable, "tools/messages.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", CATALOGUES, ids=name)
def test_every_entry_is_translated_not_fuzzy_and_keeps_its_placeholders(path):
    problems = []
    found = entries(path)
    header = next((e.msgstr.get(0, "") for e in found if not e.msgid), "")
    nplurals = int(re.search(r"nplurals=(\d+)", header).group(1))
    for entry in found:
        if not entry.msgid:  # the header
            continue
        where = f"{name(path)}:{entry.line}: {entry.msgid!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"{where} is fuzzy")
        forms = entry.msgstr
        if entry.msgid_plural is None:
            if not forms.get(0):
                problems.append(f"{where} has no translation")
            elif placeholders(forms[0]) != placeholders(entry.msgid):
                problems.append(
                    f"{where}: placeholders {placeholders(forms[0])} instead of "
                    f"{placeholders(entry.msgid)}"
                )
            continue
        if len(forms) != nplurals or not all(forms.values()):
            problems.append(f"{where} lacks a plural form ({nplurals} needed)")
            continue
        allowed = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
        for index, text in sorted(forms.items()):
            if not set(placeholders(text)) <= allowed:
                problems.append(f"{where}: msgstr[{index}] has placeholders {placeholders(text)}")
        last = forms[max(forms)]
        if placeholders(last) != placeholders(entry.msgid_plural):
            problems.append(
                f"{where}: the last plural form has {placeholders(last)} instead of "
                f"{placeholders(entry.msgid_plural)}"
            )
    assert not problems, "\n".join(problems)


def test_the_reader_of_catalogues_sees_plurals_flags_and_continuation_lines(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "Row %(row)s: "\n"is empty"\nmsgstr "Ligne %(row)s"\n\n'
        'msgid "One file"\nmsgid_plural "%(count)s files"\nmsgstr[0] "Un fichier"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    header, fuzzy, plural = entries(po)
    assert header.msgid == "" and "Plural-Forms" in header.msgstr[0]
    assert fuzzy.flags == {"fuzzy", "python-format"} and fuzzy.msgid == "Row %(row)s: is empty"
    assert fuzzy.line == 5
    assert plural.msgid_plural == "%(count)s files" and plural.msgstr == {0: "Un fichier", 1: ""}
    assert placeholders("%(a)s, %s and {b}, 100%%") == ["%(a)s", "%s", "{b}"]


@pytest.mark.parametrize(
    ("code", "expected"), [("fr", "Changer de langue"), ("es", "Cambiar de idioma")]
)
def test_the_compiled_catalogues_are_loaded(code, expected):
    with translation.override(code):
        assert translation.gettext("Change language") == expected
    with translation.override("en-gb"):
        assert translation.gettext("Change language") == "Change language"
