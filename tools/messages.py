"""Gather the interface's translatable messages into the .po files, and compile them.

    python tools/messages.py            # update every locale/*/LC_MESSAGES/django.po, compile the .mo
    python tools/messages.py --compile  # compile only (after editing translations)
    python tools/messages.py --check    # exit 1 if a .po misses a message, or a .mo is out of date

Each Django app under commonmeasure/ keeps its own messages in ``<app>/locale/``; the modules
outside the apps (domain, interchange, charts, the console script) keep theirs in
``commonmeasure/locale/``. Needs GNU gettext (Debian's package ``gettext``), as Django's
``makemessages`` and ``compilemessages`` do. docs/how-to/add-a-language.md tells the whole story.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "commonmeasure"


def languages() -> list[str]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonmeasure.settings")
    os.environ.setdefault("DEBUG", "1")
    from django.conf import settings

    default = settings.LANGUAGE_CODE.split("-")[0]
    return [code for code, _name in settings.LANGUAGES if code.split("-")[0] != default]


def app_folders() -> list[Path]:
    """The folders of the project's own apps (those with an apps.py), each with its own locale/."""
    return sorted(path.parent for path in PACKAGE.glob("*/apps.py"))


def django_admin(args: list[str], cwd: Path) -> None:
    # Without the project's settings, so that each folder's messages go to the locale/ found in
    # it (LOCALE_PATHS would catch every app's); -P keeps the app's own selectors.py and the like
    # from shadowing the standard library.
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    subprocess.run(
        [sys.executable, "-P", "-m", "django", *args],
        cwd=cwd,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def make_messages(root: Path, codes: list[str], only: set[str] | None = None) -> None:
    """Run makemessages over the package copy at ``root``: each app, then everything else.

    ``only`` names the apps to gather (``root`` for the modules outside the apps); None: all.
    """
    package = root / "commonmeasure"
    apps = sorted(path.parent for path in package.glob("*/apps.py"))
    every_app = list(apps)
    if only is not None:
        apps = [app for app in apps if app.name in only]
    common = ["makemessages", "--no-location", "--no-wrap", "--no-obsolete", "-d", "django"]
    for code in codes:
        common += ["-l", code]
    for app in apps:
        (app / "locale").mkdir(exist_ok=True)
        django_admin(common, cwd=app)
    ignore: list[str] = []
    for app in every_app:
        ignore += ["--ignore", f"{app.name}/*"]
    if only is None or "root" in only:
        (package / "locale").mkdir(exist_ok=True)
        django_admin(common + ignore, cwd=package)


def compile_messages(root: Path, only: set[str] | None = None) -> None:
    if only is None:
        django_admin(["compilemessages"], cwd=root / "commonmeasure")
        return
    for name in sorted(only):
        folder = root / "commonmeasure" / (name if name != "root" else "")
        if name == "root":
            django_admin(["compilemessages", "--ignore", "*/*/locale"], cwd=folder)
        elif (folder / "locale").is_dir():
            django_admin(["compilemessages"], cwd=folder)


def po_files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted((root / "commonmeasure").rglob("locale/*/LC_MESSAGES/*.[pm]o"))
    }


def message_ids(text: str) -> set[str]:
    """The msgids of a .po file's text (plural forms as one), enough to compare two versions."""
    ids, current, inside = set(), [], False
    for line in text.splitlines():
        if line.startswith("msgid "):
            current, inside = [line[6:]], True
        elif inside and line.startswith('"'):
            current.append(line)
        else:
            if inside:
                ids.add("".join(current))
            inside = False
    if inside:
        ids.add("".join(current))
    ids.discard('""')
    return ids


def check(codes: list[str]) -> int:
    """Gather and compile in a copy of the package; report what the committed files lack."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp)
        shutil.copytree(
            PACKAGE, copy / "commonmeasure", ignore=shutil.ignore_patterns("__pycache__")
        )
        committed = po_files(copy)
        make_messages(copy, codes)
        gathered = po_files(copy)
        for name, data in gathered.items():
            if not name.endswith(".po"):
                continue
            if name not in committed:
                problems.append(f"{name}: missing (run python tools/messages.py)")
                continue
            missing = message_ids(data.decode()) - message_ids(committed[name].decode())
            for msgid in sorted(missing)[:20]:
                problems.append(f"{name}: no entry for {msgid}")
            if len(missing) > 20:
                problems.append(f"{name}: and {len(missing) - 20} more messages")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp)
        shutil.copytree(
            PACKAGE, copy / "commonmeasure", ignore=shutil.ignore_patterns("__pycache__")
        )
        committed = po_files(copy)
        for stale in (copy / "commonmeasure").rglob("locale/*/LC_MESSAGES/*.mo"):
            stale.unlink()
        compile_messages(copy)
        for name, data in po_files(copy).items():
            if name.endswith(".mo") and committed.get(name) != data:
                problems.append(f"{name}: out of date (run python tools/messages.py --compile)")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--compile", action="store_true", help="compile the .po files only")
    parser.add_argument("--check", action="store_true", help="report, change nothing")
    parser.add_argument(
        "--only",
        help="comma-separated apps to gather and compile (root: the modules outside the apps)",
    )
    args = parser.parse_args()
    if shutil.which("xgettext") is None or shutil.which("msgfmt") is None:
        print("GNU gettext is needed: apt-get install gettext", file=sys.stderr)
        return 2
    codes = languages()
    if args.check:
        return check(codes)
    only = set(args.only.split(",")) if args.only else None
    if not args.compile:
        make_messages(ROOT, codes, only)
    compile_messages(ROOT, only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
