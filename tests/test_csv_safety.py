"""CSV in and out with hostile text (issue 14, points 4, 5 and 12).

Out: every CSV rollstats writes quotes a field holding CR or LF and puts a ``'`` before any line
of a cell that would start a formula, so Python's ``csv`` and rollstats read back the same rows.
In: a quoted cell that is never closed (or closed lines later inside a cell) and a line of
hundreds of thousands of cells are refused with the file and the line, before any parse.
Terminal: text cells printed by the command line show control characters escaped.
"""
from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rollstats
from rollstats import privacy
from rollstats.cli import main
from rollstats.errors import IngestError
from rollstats.io import csvguard
from rollstats.output import neutralise_formulas, terminal_text, to_csv, write_csv

RISKY = ("=", "+", "-", "@", "\t")
TEXT = st.text(alphabet=st.sampled_from(list("\r\n\"',;=+-@\t xa1é€\u2028") + ["\U0001f9b5"]), max_size=12)


def lines_of(field: str) -> list[str]:
    """The lines a reader that splits rows at any line break would see in a field."""
    return re.split(r"\r\n|\r|\n", field)


def reference_neutral(cell: str) -> str:
    """Worked character by character: a ``'`` before a risky first character (or CR) and before a
    risky character right after CR or LF."""
    out = []
    for i, ch in enumerate(cell):
        if (i == 0 and ch in "=+-@\t\r") or (i > 0 and cell[i - 1] in "\r\n" and ch in RISKY):
            out.append("'")
        out.append(ch)
    return "".join(out)


def read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# --- writing ------------------------------------------------------------------------------------

def test_a_cr_inside_a_cell_is_quoted_and_each_line_of_a_cell_is_neutralised():
    table = pd.DataFrame({"who": ["ok\r=1+1", "a\r\n@x", "=HYPERLINK(1)\n-2", "plain"], "s": [60, -5, 90, 1]})
    text = to_csv(table)
    # worked by hand: CR and LF fields quoted, records end in LF, a ' opens each risky line
    assert text == ('who,s\n"ok\r\'=1+1",60\n"a\r\n\'@x",-5\n"\'=HYPERLINK(1)\n\'-2",90\nplain,1\n')
    assert read_back(text) == [["who", "s"], ["ok\r'=1+1", "60"], ["a\r\n'@x", "-5"],
                               ["'=HYPERLINK(1)\n'-2", "90"], ["plain", "1"]]


def test_a_table_without_cr_is_written_as_before_with_lf_record_ends():
    text = write_csv(pd.DataFrame({"a": ["x\ny", "q\"", "=1"], "b": [1.5, 2.0, None]}))
    assert text == 'a,b\n"x\ny",1.5\n"q""",2.0\n\'=1,\n'


@settings(max_examples=150, deadline=None)
@given(cells=st.lists(st.tuples(TEXT, TEXT, st.one_of(st.none(), TEXT)), min_size=1, max_size=6),
       numbers=st.lists(st.integers(-100, 100), min_size=6, max_size=6))
def test_any_text_written_reads_back_cell_for_cell_and_starts_no_formula(cells, numbers):
    table = pd.DataFrame({"a": [c[0] for c in cells], "b\r=x": [c[1] for c in cells],
                          "n": numbers[: len(cells)], "c": pd.Series([c[2] for c in cells], dtype=object)})
    text = write_csv(table)
    rows = read_back(text)
    assert len(rows) == len(cells) + 1 and all(len(r) == 4 for r in rows)
    assert rows[0] == ["a", "b\r'=x", "n", "c"]
    for row, (a, b, c), n in zip(rows[1:], cells, numbers):
        assert row == [reference_neutral(a), reference_neutral(b), str(n), reference_neutral(c or "")]
        for field in row[:2] + row[3:]:
            assert not any(line.startswith(RISKY) for line in lines_of(field)), field
    # the file written block by block is the same text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        write_csv(table, path)
        assert path.read_bytes() == text.encode("utf-8")


def test_numbers_stay_numbers_and_text_numbers_are_neutralised():
    out = neutralise_formulas(pd.DataFrame({"v": [-1.5, 2.0], "t": pd.Series([-3, "-3"], dtype=object)}))
    assert out["v"].tolist() == [-1.5, 2.0] and out["t"].tolist() == [-3, "'-3"]


def test_rejects_and_csv_output_of_the_command_line_keep_a_cr_cell_in_its_row(tmp_path, capsys):
    path = tmp_path / "e.csv"
    path.write_bytes(b'subject_id,start,duration_s,region\n'
                     b'"A\r=1+1",2026-03-03T21:00:00+01:00,90,quads\n'
                     b'B,2026-03-03T21:00:00+01:00,"60\r@SUM(1)",quads\n')
    rejects = tmp_path / "rejects.csv"
    assert main(["ingest", str(path), "--rejects", str(rejects)]) == 0
    refused = read_back(rejects.read_bytes().decode("utf-8"))
    header = refused[0]
    assert len(refused) == 2  # one refused row (B's duration), on one line of the table
    assert refused[1][header.index("value")] == "60\r'@SUM(1)"
    capsys.readouterr()
    assert main(["summary", str(path), "--format", "csv"]) == 0
    summary = read_back(capsys.readouterr().out)
    assert len(summary) == 2 and summary[1][0] == "A\r'=1+1"


def _native_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(["subject_id", "start", "duration_s", "region", "notes"])
        writer.writerows(rows)


@pytest.fixture(scope="module")
def keyfile(tmp_path_factory):
    path = tmp_path_factory.mktemp("key") / "study.key"
    assert main(["keygen", str(path)]) == 0
    return path


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.one_of(st.sampled_from(["P1", "P2"]), st.tuples(TEXT, TEXT).map("P".join)),
                               st.sampled_from(["60", "90", "200", "45.5"]),
                               st.one_of(st.sampled_from(["quads", "calves", "IT band"]), TEXT),
                               TEXT), min_size=1, max_size=8))
def test_a_pseudonymised_csv_export_reads_back_with_the_same_segments_and_figures(rows, keyfile):
    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "log.csv", Path(folder) / "shared.csv"
        # one night each, so that no two rows are the same segment
        _native_csv(source, [[who, f"2026-03-{3 + i:02d}T21:00:00+01:00", s, region, note]
                             for i, (who, s, region, note) in enumerate(rows)])
        original = rollstats.load(source)
        assert len(original.segments) == len(rows)  # every row has a subject, a time and a duration
        assert main(["export", str(source), "--pseudonymize", str(keyfile), "--keep-notes", "-o", str(out)]) == 0
        shared = rollstats.load(out)
        assert shared.report.rows_read == len(original.segments) == len(shared.segments)
        assert shared.report.rows_rejected == 0
        for line in read_back(out.read_bytes().decode("utf-8")):
            assert not any(part.startswith(RISKY) for field in line for part in lines_of(field))
    key = privacy.read_key(keyfile)
    expected = rollstats.summarize(original.segments.assign(
        subject_id=privacy.pseudonym(original.segments["subject_id"], key)))
    got = rollstats.summarize(shared.segments)
    pd.testing.assert_frame_equal(got.sort_values("subject_id").reset_index(drop=True),
                                  expected.sort_values("subject_id").reset_index(drop=True))


# --- reading: quoting ---------------------------------------------------------------------------

FOUR = ("subject_id,start,duration_s,notes\n"
        's1,2026-03-03T21:00:00+01:00,60,"oops\n'
        "s2,2026-03-04T21:00:00+01:00,60,a\n"
        "s3,2026-03-05T21:00:00+01:00,60,b\n"
        "s4,2026-03-06T21:00:00+01:00,60,c\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "latin-1"])
def test_a_quote_never_closed_is_refused_with_its_line_in_every_encoding(tmp_path, encoding):
    path = tmp_path / "open.csv"
    path.write_bytes(FOUR.encode(encoding))
    with pytest.raises(IngestError, match=rf"^{re.escape(str(path))}: line 2: a quoted cell opens here and is "
                                          "never closed"):
        rollstats.load(path)


def test_a_quote_closed_lines_later_inside_a_cell_is_refused_with_both_lines(tmp_path):
    path = tmp_path / "stray.csv"
    path.write_text("subject_id,start,duration_s,notes\n"
                    's1,2026-03-03T21:00:00+01:00,60,"oops\n'
                    "s2,2026-03-04T21:00:00+01:00,60,x\n"
                    's3,2026-03-05T21:00:00+01:00,60,"b"c\n', encoding="utf-8")
    with pytest.raises(IngestError, match=rf"^{re.escape(str(path))}: line 2: the quoted cell that opens here "
                                          "runs on to line 4, where its closing"):
        rollstats.load(path)


def test_notes_over_several_lines_and_a_stray_quote_on_one_line_still_load(tmp_path):
    path = tmp_path / "fine.csv"
    path.write_text('subject_id,start,duration_s,notes\r\n'
                    's1,2026-03-03T21:00:00+01:00,60,"two\r\nlines, and ""quotes"""\r\n'
                    's2,2026-03-04T21:00:00+01:00,60,"5" foam\r\n'
                    's3,2026-03-05T21:00:00+01:00,60,size 5"\r\n', encoding="utf-8")
    segments, rejects, report = rollstats.load(path)
    assert (report.rows_read, len(segments), len(rejects)) == (3, 3, 0)
    assert segments["notes"].tolist() == ['two\r\nlines, and "quotes"', "5 foam", 'size 5"']


def reference_quotes(text: str) -> tuple[str, int, int] | None:
    """The quoting fault of ``text`` (comma-delimited), worked one character at a time as a
    lenient CSV parser reads: ("never", line) or ("stray", open line, close line), or None."""
    line, inside, field_start, opened, broke = 1, False, True, 0, False
    i = 0
    while i < len(text):
        ch = text[i]
        if inside:
            if ch == '"' and text[i + 1: i + 2] == '"':
                i += 2
                continue
            if ch == '"':
                inside = False
                after = text[i + 1: i + 2]
                if after not in ("", ",", "\n", "\r") and broke:
                    return ("stray", opened, line)
                field_start = False
            elif ch in "\r\n":
                broke = True
        elif ch == '"' and field_start:
            inside, opened, broke, field_start = True, line, False, False
        else:
            field_start = ch in ",\r\n"
        if ch == "\n" or (ch == "\r" and text[i + 1: i + 2] != "\n"):
            line += 1
        i += 1
    return ("never", opened) if inside else None


def scan_fault(path: Path) -> tuple | None:
    """What :func:`csvguard.check` finds, in the shape of :func:`reference_quotes`."""
    try:
        csvguard.check(path, "utf-8", ",")
    except IngestError as exc:
        message = str(exc)
        found = re.search(r"line (\d+): a quoted cell opens here and is never", message)
        if found:
            return ("never", int(found.group(1)))
        return ("stray", *(int(n) for n in re.search(r"line (\d+): .* to line (\d+)", message).groups()))
    return None


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(['"', '"', ",", "\n", "\r", "a"]), max_size=30))
def test_the_quote_scan_agrees_with_a_character_by_character_reading_and_with_pandas(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "q.csv"
        path.write_bytes(text.encode("utf-8"))
        expected = reference_quotes(text)
        for block in (csvguard._BLOCK, 3):  # and in blocks of 3 bytes: state carried across blocks
            with mock.patch.object(csvguard, "_BLOCK", block):
                assert scan_fault(path) == expected
        if text.strip("\r\n"):
            try:  # pandas' own parser stops at the end of the file inside a quoted cell
                pd.read_csv(path, header=None, names=range(40), dtype=str)
                eof_inside = False
            except pd.errors.ParserError as exc:
                eof_inside = "EOF inside string" in str(exc)
            if expected is None or expected[0] == "never":
                assert eof_inside == (expected is not None)


# --- reading: width -----------------------------------------------------------------------------

def test_a_single_line_of_350000_cells_is_refused_naming_the_file_and_the_count(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("a," * 349_999 + "a", encoding="utf-8")  # about 700 kB, one line
    with pytest.raises(IngestError, match=rf"^{re.escape(str(path))}: line 1 has 350,000 cells; rollstats "
                                          "reads at most 1,000 columns"):
        rollstats.load(path)


def test_a_data_row_of_350000_cells_is_refused_with_its_line(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("subject_id,start,duration_s\n" + "x," * 349_999 + "x\n"
                    "s1,2026-03-03T21:00:00+01:00,60\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r": line 2 has 350,000 cells"):
        rollstats.load(path)


def test_the_cap_is_1000_cells_and_quoted_delimiters_are_not_cells(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(",".join(["c"] * 1000) + "\n", encoding="utf-8")
    csvguard.check(path, "utf-8", ",")  # 1,000 cells: within the cap
    path.write_text('a,"' + "," * 5000 + '",b\n', encoding="utf-8")
    csvguard.check(path, "utf-8", ",")  # 3 cells, one of them full of commas
    path.write_text(",".join(["c"] * 1001) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match="line 1 has 1,001 cells"):
        csvguard.check(path, "utf-8", ",")
    path.write_bytes((";".join(["c"] * 1001) + "\r\n").encode("utf-16"))
    with pytest.raises(IngestError, match="line 1 has 1,001 cells"):
        csvguard.check(path, "utf-16", ";")


# --- terminal -----------------------------------------------------------------------------------

def test_terminal_text_escapes_controls_and_keeps_other_text():
    assert terminal_text("S\x1b[2J\x1b]8;;http://x\x07link\x9b\u202eé🦵") == \
        "S\\x1b[2J\\x1b]8;;http://x\\x07link\\x9b\\u202eé🦵"
    assert terminal_text("a\nb\tc", keep_newlines=True) == "a\nb\\tc"


def test_command_line_tables_print_no_raw_control_character(tmp_path, capsys):
    path = tmp_path / "e.csv"
    path.write_text("subject_id,start,duration_s,region\n"
                    "S\x1b[2J,2026-03-03T21:00:00+01:00,90,quads\n"
                    "T\x1b]8;;http://evil.example\x07x,2026-03-03T21:00:00+01:00,90,\x1b[31mknee\n"
                    "U,2026-03-03T21:00:00+01:00,\x1b[2Jsixty,quads\n", encoding="utf-8")
    outputs = []
    for command in (["summary", str(path)], ["nights", str(path)], ["ingest", str(path)],
                    ["alerts", str(path)], ["datadays", str(path)]):
        assert main(command) == 0
        outputs.append(capsys.readouterr().out)
    printed = "".join(outputs)
    assert "\x1b" not in printed and "\x07" not in printed
    assert "S\\x1b[2J" in outputs[0] and "T\\x1b]8;;http://evil.example\\x07x" in outputs[0]
    assert "\\x1b[2Jsixty" in outputs[2]  # the refused value, in the preview of refused rows
    assert "'\\x1b[31mknee' x1" in outputs[2]  # the unknown region label, in the report
    assert main(["summary", str(path), "--format", "json"]) == 0  # JSON escapes by itself
    assert "S\x1b[2J" in {r["subject_id"] for r in json.loads(capsys.readouterr().out)}


def test_an_error_naming_a_hostile_header_prints_no_raw_escape(tmp_path, capsys):
    from rollstats.cli import main

    # no subject column: the error lists the columns found, one of which holds ESC [2J (clear screen)
    path = tmp_path / "x.csv"
    path.write_text("who\x1b[2J,start,duration_s\nA,2026-03-03T21:00:00+01:00,60\n", encoding="utf-8")
    assert main(["summary", str(path)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "who\\x1b[2j" in err  # (headers are read in lower case)
