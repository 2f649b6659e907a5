"""Safe outputs and pseudonyms: formulas neutralised in CSV/XLSX, HTML escaped, keys kept out."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
import zipfile

import openpyxl
import pandas as pd
import pytest

import rollstats
from rollstats import privacy
from rollstats.cli import main

EXPORT = """subject_id,start,duration_s,region,notes
Ann Smith,2026-03-03T21:00:00+01:00,200,quads,Ann's left knee hurts
Ann Smith,2026-03-04T21:00:00+01:00,100,calves,=HYPERLINK("http://x.example")
Bob Jones,2026-03-03T22:00:00-05:00,60,@SUM(1),+1 called Bob
"""


@pytest.fixture
def export(tmp_path):
    folder = tmp_path / "patients" / "ann-smith"
    folder.mkdir(parents=True)
    path = folder / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")
    return path


@pytest.fixture
def key(tmp_path):
    path = tmp_path / "secret" / "study.key"
    path.parent.mkdir()
    assert main(["keygen", str(path)]) == 0
    return path


def test_keygen_writes_an_owner_only_random_key_and_never_overwrites(key, tmp_path, capsys):
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    text = key.read_text()
    assert len(text) == 65 and text.endswith("\n") and len(bytes.fromhex(text.strip())) == 32
    other = tmp_path / "other.key"
    privacy.keygen(other)
    assert other.read_text() != text
    assert main(["keygen", str(key)]) == 2
    assert "never overwrites" in capsys.readouterr().err
    assert key.read_text() == text


KEY_HEX = "00112233445566778899aabbccddeeff" * 2  # 64 hex digits


@pytest.mark.parametrize("content", [
    KEY_HEX.encode() + b"\n",          # as keygen writes it
    KEY_HEX.encode(),                   # without the line break
    KEY_HEX.encode() + b"\r\n",        # saved by a Windows editor
    KEY_HEX.upper().encode() + b"\n",  # the same digits in capitals
])
def test_a_key_file_in_keygens_format_gives_its_32_bytes(tmp_path, content):
    path = tmp_path / "k"
    path.write_bytes(content)
    path.chmod(0o600)
    assert privacy.read_key(path) == bytes.fromhex(KEY_HEX)


MORE = "something more after the 64 hex digits and their line break"


@pytest.mark.parametrize("content, problem", [
    (KEY_HEX[:63].encode() + b"\n", "63 hex digits instead of 64"),           # cut short by one digit
    (KEY_HEX[:32].encode() + b"\n", "32 hex digits instead of 64"),           # half of it
    (KEY_HEX.encode() + b"0\n", "65 hex digits instead of 64"),               # one digit too many
    (KEY_HEX[:10].encode() + b"g" + KEY_HEX[11:].encode(), "character 11 of the first line is not a hex digit"),
    (b" " + KEY_HEX.encode(), "character 1 of the first line is not a hex digit"),
    (b"a passphrase of 24 bytes", "character 2 of the first line is not a hex digit"),  # raw bytes: no more
    (b"", "0 hex digits instead of 64"),
    (KEY_HEX.encode() + b"\n" + KEY_HEX.encode() + b"\n", MORE),  # two keys
    (KEY_HEX.encode() + b"\r", MORE),
])
def test_any_other_key_file_is_refused_without_showing_it(tmp_path, content, problem):
    path = tmp_path / "k"
    path.write_bytes(content)
    with pytest.raises(privacy.PrivacyError) as caught:
        privacy.read_key(path)
    message = str(caught.value)
    assert message == (f"{path}: not a rollstats key: {problem}; a key file holds 64 hex digits on one line, "
                       "as `rollstats keygen KEYFILE` writes it")
    assert KEY_HEX[:16] not in message.lower()


@pytest.mark.parametrize("mode, warned", [(0o600, False), (0o400, False), (0o640, True), (0o604, True),
                                          (0o644, True)])
def test_a_key_file_others_may_read_is_used_with_a_warning_on_stderr(export, key, tmp_path, capsys, mode, warned):
    key.chmod(mode)
    out = tmp_path / "shared.csv"
    assert main(["export", str(export), "--pseudonymize", str(key), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    expected = (f"rollstats: warning: {key}: the key file may be read by others (mode {mode:04o}); "
                f"make it owner-only: chmod 600 {key}\n")
    assert (expected in err) is warned
    assert ("warning" in err) is warned
    assert out.is_file()


def test_pseudonyms_are_hmac_sha256_as_in_rfc_4231():
    # RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?"
    vector = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    got = privacy.pseudonym(pd.Series(["what do ya want for nothing?"]), b"Jefe", length=64)
    assert got.tolist() == [vector]
    assert privacy.pseudonym(pd.Series(["what do ya want for nothing?"]), b"Jefe").tolist() == [vector[:16]]


def test_a_pseudonym_collision_is_refused():
    key = b"k" * 16
    seen: dict[str, str] = {}
    for i in range(100_000):  # 4 hex digits: a collision comes within a few hundred ids
        p = hmac.new(key, f"S{i}".encode(), hashlib.sha256).hexdigest()[:4]
        if p in seen:
            pair = [seen[p], f"S{i}"]
            break
        seen[p] = f"S{i}"
    table = pd.DataFrame({"subject_id": pair, "notes": [None, None], "source": ["a", "b"]})
    with pytest.raises(privacy.PrivacyError, match="share the pseudonym"):
        privacy.pseudonymise(table, key, length=4)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_an_export_holds_pseudonyms_no_key_no_names_no_notes_no_folders(export, key, tmp_path, suffix):
    out = tmp_path / f"shared{suffix}"
    assert main(["export", str(export), "--pseudonymize", str(key), "-o", str(out)]) == 0
    raw_key = privacy.read_key(key)
    expected = {name: hmac.new(raw_key, name.encode(), hashlib.sha256).hexdigest()[:16]
                for name in ("Ann Smith", "Bob Jones")}
    table = {".csv": lambda p: pd.read_csv(p, dtype=str), ".xlsx": lambda p: pd.read_excel(p, dtype=str),
             ".parquet": pd.read_parquet}[suffix](out)
    assert table["subject_id"].tolist() == [expected["Ann Smith"]] * 2 + [expected["Bob Jones"]]
    assert table["notes"].isna().all()
    assert set(table["source"]) == {"export.csv"}
    blob = everything_in(out)
    for secret in (raw_key, raw_key.hex().encode(), key.read_bytes().strip(), b"Ann Smith", b"Bob Jones",
                   b"knee", b"ann-smith", b"patients"):
        assert secret not in blob, secret


def everything_in(path) -> bytes:
    """A file's bytes, plus the members of a zip (XLSX) and the decoded values of a Parquet file."""
    blob = path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            blob += b"".join(z.read(n) for n in z.namelist())
    if path.suffix == ".parquet":
        blob += pd.read_parquet(path).to_csv().encode()
    return blob


def test_notes_are_kept_only_when_asked_and_then_neutralised(export, key, tmp_path):
    out = tmp_path / "shared.xlsx"
    assert main(["export", str(export), "--pseudonymize", str(key), "--keep-notes", "--keep", "region_label",
                 "-o", str(out)]) == 0
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    notes = [sheet.cell(row=r, column=header.index("notes") + 1) for r in (2, 3, 4)]
    labels = [sheet.cell(row=r, column=header.index("region_label") + 1).value for r in (2, 3, 4)]
    assert [c.value for c in notes] == ["Ann's left knee hurts", "'=HYPERLINK(\"http://x.example\")",
                                        "'+1 called Bob"]
    assert all(c.data_type == "s" for c in notes)  # text, never a formula
    assert labels == ["quads", "calves", "'@SUM(1)"]


def test_an_exported_csv_reads_back_with_the_same_nights_and_figures(export, key, tmp_path, capsys):
    out = tmp_path / "shared.csv"
    assert main(["export", str(export), "--pseudonymize", str(key), "-o", str(out)]) == 0
    text = out.read_text()
    # each start keeps its own offset, so Bob's 22:00 at -05:00 stays on the night of 3 Mar
    assert "2026-03-03T22:00:00-05:00" in text and "2026-03-03T21:00:00+01:00" in text
    capsys.readouterr()
    assert main(["summary", str(export), "--format", "json"]) == 0
    original = json.loads(capsys.readouterr().out)
    assert main(["summary", str(out), "--format", "json"]) == 0
    shared = json.loads(capsys.readouterr().out)
    raw_key = privacy.read_key(key)
    mapping = {r["subject_id"]: privacy.pseudonym(pd.Series([r["subject_id"]]), raw_key)[0] for r in original}
    for record in original:
        record["subject_id"] = mapping[record["subject_id"]]
    assert sorted(shared, key=lambda r: r["subject_id"]) == sorted(original, key=lambda r: r["subject_id"])


def test_every_csv_and_xlsx_the_command_line_writes_neutralises_formulas(tmp_path, capsys):
    path = tmp_path / "e.csv"
    path.write_text("subject_id,start,duration_s,region,pain_before\n"
                    "=1+1,2026-03-03T21:00:00+01:00,90,quads,\n"
                    "-2+3,2026-03-03T21:00:00+01:00,90,quads,@bad\n", encoding="utf-8")
    rejects, summary_csv, summary_xlsx = tmp_path / "r.csv", tmp_path / "s.csv", tmp_path / "s.xlsx"
    assert main(["ingest", str(path), "--rejects", str(rejects)]) == 0
    assert main(["summary", str(path), "--format", "csv", "-o", str(summary_csv)]) == 0
    assert main(["summary", str(path), "-o", str(summary_xlsx)]) == 0
    assert pd.read_csv(rejects, dtype=str)["value"].tolist() == ["'@bad"]
    assert pd.read_csv(summary_csv, dtype=str)["subject_id"].tolist() == ["'=1+1"]
    cell = openpyxl.load_workbook(summary_xlsx).active["A2"]
    assert (cell.value, cell.data_type) == ("'=1+1", "s")


def test_the_html_report_escapes_text_from_the_export(tmp_path, capsys):
    path = tmp_path / "e.csv"
    path.write_text("subject_id,start,duration_s,region,pain_before,notes\n"
                    "<script>alert(1)</script>,2026-03-03T21:00:00+01:00,90,<b>quads</b>,,<script>n</script>\n"
                    "P2,2026-03-03T21:00:00+01:00,90,quads,<img src=x onerror=alert(2)>,\n", encoding="utf-8")
    report = tmp_path / "r.html"
    assert main(["summary", str(path), "--report", str(report)]) == 0
    page = report.read_text(encoding="utf-8")
    # the report's own figures are <img src='data:...'>: the export's text must make no element
    assert "<script>" not in page and "<img src=x" not in page and "<b>quads" not in page
    assert page.count("<img") == page.count("<img alt='") == 3
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page


LABELLED = """subject_id,start,duration_s,region,side,notes,tz
Ann Smith,2026-03-03T21:00:00,200,John's favourite spot,left,call Ann on 555-0100,Europe/Berlin
Ann Smith,2026-03-04T21:00:00,100,quads,right,,Europe/Berlin
"""


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_free_text_of_every_column_is_left_out_unless_kept_by_name(tmp_path, key, suffix):
    path = tmp_path / "from-ann" / "log.csv"
    path.parent.mkdir()
    path.write_text(LABELLED, encoding="utf-8")
    out = tmp_path / f"shared{suffix}"
    assert main(["export", str(path), "--pseudonymize", str(key), "-o", str(out)]) == 0
    blob = everything_in(out)
    for secret in (b"favourite", b"John", b"555-0100", b"Ann", b"from-ann"):
        assert secret not in blob, secret
    table = {".csv": lambda p: pd.read_csv(p, dtype=str), ".xlsx": lambda p: pd.read_excel(p, dtype=str),
             ".parquet": pd.read_parquet}[suffix](out)
    # the codes stay: an unknown label is region "other"; sides, times and seconds as they were
    assert table["region"].tolist() == ["other", "thigh_front"]
    assert table["side"].tolist() == ["left", "right"]
    assert table["region_label"].isna().all() and table["notes"].isna().all()
    assert table["source"].tolist() == ["log.csv", "log.csv"]
    # kept by name: that column, and no other
    kept = tmp_path / f"kept{suffix}"
    assert main(["export", str(path), "--pseudonymize", str(key), "--keep", "region_label", "-o", str(kept)]) == 0
    blob = everything_in(kept)
    assert b"John's favourite spot" in blob and b"555-0100" not in blob


def test_keeping_a_column_that_does_not_exist_or_the_subject_is_refused(export, key, tmp_path, capsys):
    out = tmp_path / "shared.csv"
    assert main(["export", str(export), "--pseudonymize", str(key), "--keep", "nots", "-o", str(out)]) == 2
    assert "cannot keep column 'nots': the table has no such column" in capsys.readouterr().err
    assert main(["export", str(export), "--pseudonymize", str(key), "--keep", "subject_id", "-o", str(out)]) == 2
    assert "subject_id cannot be kept" in capsys.readouterr().err
    assert not out.exists()


def test_columns_outside_the_canonical_table_are_left_out_unless_kept():
    table = pd.DataFrame({"subject_id": ["Ann"], "duration_s": [60.0], "phone": ["555-0100"],
                          "birth_year": [1971], "source": ["C:\\Users\\ann\\log.csv"]})
    shared = privacy.pseudonymise(table, b"k" * 32)
    assert shared.columns.tolist() == ["subject_id", "duration_s", "source"]
    assert shared["source"].tolist() == ["log.csv"]
    assert privacy.pseudonymise(table, b"k" * 32, keep=["birth_year"]).columns.tolist() == [
        "subject_id", "duration_s", "birth_year", "source"]
