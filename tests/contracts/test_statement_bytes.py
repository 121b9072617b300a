"""`commonmeasure payments` prints, byte for byte, the statements it printed before the engine
and the reader were last made faster: the expected output of each small contract under
statements/ was written by the code before that change, and any change to the output (a
number, a key's order, a space) fails here.

Each folder of statements/ holds a contract (contract.json), its data file, and what the
command printed for it: ``<variant>.out`` (standard output), ``<variant>.err`` (standard error)
and ``<variant>.exit`` (the exit code), for the variants in VARIANTS. The contracts cover every
rate-card rule (once-only, count cap, cap per participant, contract cap crossed part-way through
an achievement), payers whose shares leave remainders, named metrics, GBP, EUR, JPY, KWD and USD,
participant ids longer than eight bytes or not ASCII, dates out of order and ties, a file read
row by row (BOM, CRLF, quotes, semicolons, blank lines, spaces), amounts too large for 64-bit
integers (the loop engine), a data file with no rows, one with nothing to pay, a file with bad rows (the messages), and
the comparison and weighted-targets mechanisms; and 20,000 rows of 8,000 participants (kept
compressed; its statements, too long to keep, are kept as their SHA-256 digest and length), so
that the reader codes participants by a full sort and the rules make thousands of adjustments.

To write the expected files again, only for a deliberate change of the output:

    python tests/contracts/test_statement_bytes.py --write
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "statements"
VARIANTS = {
    "json": ["--json"],
    "json-quarter": ["--json", "--by", "quarter"],
    "text": [],
    "text-quarter": ["--by", "quarter"],
}
LARGE = 100_000  # bytes: a larger output is kept as its digest and length
CASES = sorted(p.name for p in HERE.iterdir() if p.is_dir())


def unpacked(case: Path, folder: Path) -> Path:
    """The folder to run the case in: its own, or for a data file kept compressed
    (``.csv.gz``), ``folder`` with the contract and the data file unpacked."""
    packed = list(case.glob("*.csv.gz"))
    if not packed:
        return case
    (folder / "contract.json").write_bytes((case / "contract.json").read_bytes())
    for path in packed:
        (folder / path.name.removesuffix(".gz")).write_bytes(gzip.decompress(path.read_bytes()))
    return folder


def data_file(case: Path) -> Path:
    (data,) = [p for p in case.iterdir() if p.name != "contract.json" and p.suffix == ".csv"]
    return data


def expected(case: Path, variant: str, got: bytes) -> tuple[bytes, bytes]:
    """(what was printed before, what is printed now) to compare: the bytes themselves, or for
    a large output (kept as ``<variant>.sha256``: its digest and length) the digest and length."""
    digest = case / f"{variant}.sha256"
    if digest.exists():
        return digest.read_bytes(), fingerprint(got)
    return (case / f"{variant}.out").read_bytes(), got


def fingerprint(data: bytes) -> bytes:
    return f"{hashlib.sha256(data).hexdigest()} {len(data)}\n".encode()


def run(case: Path, options: list[str]) -> tuple[int, bytes, bytes]:
    """The command, in this process, in English: (exit code, stdout, stderr) as UTF-8 bytes.
    The file paths are relative to the case's folder, so that messages naming a file are the
    same wherever the tests run."""
    from commonmeasure.cli import main

    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    saved = {
        k: os.environ.pop(k)
        for k in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
        if k in os.environ
    }
    os.chdir(case)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["payments", "contract.json", data_file(case).name, *options])
    finally:
        os.chdir(here)
        os.environ.update(saved)
    return code, out.getvalue().encode("utf-8"), err.getvalue().encode("utf-8")


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", CASES)
def test_the_statement_is_the_same_byte_for_byte(name, variant, tmp_path):
    case = HERE / name
    code, out, err = run(unpacked(case, tmp_path), VARIANTS[variant])
    assert code == int((case / f"{variant}.exit").read_text())
    before, now = expected(case, variant, out)
    assert now == before
    assert err == (case / f"{variant}.err").read_bytes()


def test_the_cases_cover_every_rule_and_both_engines():
    """The expected files hold what the cases are meant to show (so that they cannot all be
    empty): every adjustment kind, a statement of no rows, problems named by row."""
    import json

    kinds = set()
    for name in CASES:
        if not (HERE / name / "json.out").exists():
            continue
        text = (HERE / name / "json.out").read_text(encoding="utf-8")
        if text:
            kinds |= {a["kind"] for a in json.loads(text).get("adjustments", [])}
    assert {"once_only", "cap_count", "cap_per_participant", "cap_total"} <= kinds
    assert json.loads((HERE / "nothing_paid" / "json.out").read_text())["total"] == "0.00"
    assert b"no rows" in (HERE / "empty" / "json.err").read_bytes()
    assert b"row 3" in (HERE / "bad_rows" / "json.err").read_bytes()
    assert (HERE / "bad_rows" / "json.exit").read_text().strip() == "1"


def write() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import tempfile

    for name in CASES:
        case = HERE / name
        for variant, options in VARIANTS.items():
            with tempfile.TemporaryDirectory() as folder:
                code, out, err = run(unpacked(case, Path(folder)), options)
            (case / f"{variant}.exit").write_text(f"{code}\n")
            if len(out) > LARGE:
                (case / f"{variant}.sha256").write_bytes(fingerprint(out))
            else:
                (case / f"{variant}.out").write_bytes(out)
            (case / f"{variant}.err").write_bytes(err)
            print(f"{name}/{variant}: exit {code}, {len(out)} bytes out, {len(err)} bytes err")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(__doc__)
    write()
