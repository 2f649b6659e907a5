"""Hostile input: entity bombs and external entities in XML, zip bombs (ratio, total size,
member count, lying headers) in export zips and XLSX workbooks. Each is refused with one
IngestError naming the file, in under a second, without filling memory."""
from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from rollstats.errors import IngestError
from rollstats.io import load, safezip, xlsxfile

MIB = 2**20


def refused_fast(call, match: str, seconds: float = 1.0, max_peak_mib: float = 20.0) -> str:
    """Run ``call``; it must raise IngestError matching ``match`` within ``seconds`` and with a
    traced memory peak under ``max_peak_mib``. Returns the message."""
    tracemalloc.start()
    began = time.perf_counter()
    try:
        with pytest.raises(IngestError, match=match) as caught:
            call()
    finally:
        elapsed = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.2f} s"
    assert peak < max_peak_mib * MIB, f"peak {peak / MIB:.1f} MiB"
    return str(caught.value)


def write_zeros(archive: zipfile.ZipFile, name: str, size: int) -> None:
    """A member of ``size`` zero bytes, written in 1 MiB pieces (never whole in memory)."""
    with archive.open(name, "w", force_zip64=size > 2**31) as member:
        piece = bytes(MIB)
        left = size
        while left:
            member.write(piece[:min(left, MIB)])
            left -= min(left, MIB)


# --- XML -------------------------------------------------------------------------------------

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE HealthData [
 <!ENTITY lol "lol">
""" + "".join(f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
              for i in range(1, 10)) + """]>
<HealthData><Record type="&lol9;"/></HealthData>
"""


def test_billion_laughs_is_refused_fast_and_small(tmp_path):
    path = tmp_path / "laughs.xml"
    path.write_text(LAUGHS)
    # expanded, &lol9; would be 3 * 10**9 bytes
    message = refused_fast(lambda: load(path), "declares an entity")
    assert message.startswith(str(path))


def test_quadratic_blowup_is_refused(tmp_path):
    path = tmp_path / "quadratic.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE HealthData [<!ENTITY a "' + "x" * 100_000 + '">]>'
                    '<HealthData><Record type="' + "&a;" * 10_000 + '"/></HealthData>')
    refused_fast(lambda: load(path), r"quadratic.xml: refused: the XML declares an entity")


def test_external_entity_is_refused_and_nothing_is_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    path = tmp_path / "xxe.xml"
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE HealthData [<!ENTITY x SYSTEM "file://{secret}">]>'
                    '<HealthData><Record type="&x;"/></HealthData>')
    message = refused_fast(lambda: load(path), "xxe.xml: refused")
    assert "TOP-SECRET" not in message


def test_parameter_entity_is_refused(tmp_path):
    path = tmp_path / "pe.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE HealthData [<!ENTITY % p SYSTEM "http://example.invalid/p.dtd"> %p;]>'
                    '<HealthData/>')
    refused_fast(lambda: load(path), "pe.xml: refused: the XML declares an entity")


def test_external_dtd_is_refused(tmp_path):
    path = tmp_path / "ext.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE HealthData SYSTEM "http://example.invalid/h.dtd">'
                    '<HealthData/>')
    refused_fast(lambda: load(path), "ext.xml: refused: the XML refers to an external document")


def test_internal_dtd_without_entities_is_accepted(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE HealthData [\n<!ELEMENT HealthData ANY>\n'
                    '<!ATTLIST Record type CDATA #REQUIRED>\n]>\n<HealthData><Record type="x"/></HealthData>')
    segments, _, report = load(path)
    assert len(segments) == 0 and report.passed_over == {"apple records": 1}


def test_entity_bomb_inside_an_export_zip_is_refused(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("apple_health_export/export.xml", LAUGHS)
    refused_fast(lambda: load(path), r"export.zip: refused: the XML declares an entity")


# --- zip bombs -------------------------------------------------------------------------------

@pytest.fixture
def ratio_bomb(tmp_path):
    """An Apple export zip whose export.xml is 50 MiB of zeros (about 50 kB compressed)."""
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        write_zeros(archive, "apple_health_export/export.xml", 50 * MIB)
    return path


def test_ratio_bomb_is_refused_before_reading(ratio_bomb):
    assert ratio_bomb.stat().st_size < 200_000
    message = refused_fast(lambda: load(ratio_bomb), "possible zip bomb")
    assert message.startswith(str(ratio_bomb))
    assert "'apple_health_export/export.xml' would grow" in message


def test_total_size_cap(tmp_path, monkeypatch):
    # three members of 3 MiB of zeros: ratio allowed here, total capped at 5 MiB
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(3):
            write_zeros(archive, f"part{i}.bin", 3 * MIB)
    refused_fast(lambda: safezip.open_zip(path, max_ratio=1e9, max_total_bytes=5 * MIB),
                 "members hold more than 5242880 bytes")
    monkeypatch.setattr(safezip, "MAX_RATIO", 1e9)
    monkeypatch.setattr(safezip, "MAX_TOTAL_BYTES", 5 * MIB)
    refused_fast(lambda: load(path), "big.zip: refused as a possible zip bomb")
    # within the caps it opens
    with safezip.open_zip(path, max_ratio=1e9, max_total_bytes=9 * MIB) as archive:
        assert archive.names == ["part0.bin", "part1.bin", "part2.bin"]


def test_member_count_cap(tmp_path, monkeypatch):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(11):
            archive.writestr(f"f{i}.txt", "")
    monkeypatch.setattr(safezip, "MAX_MEMBERS", 10)
    refused_fast(lambda: load(path), r"many.zip: refused as a possible zip bomb: 11 members, more than the 10")
    with safezip.open_zip(path, max_members=11) as archive:
        assert len(archive.names) == 11


def test_member_count_is_read_before_zipfile_lists_the_members(tmp_path, monkeypatch):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(50):
            archive.writestr(f"f{i}.txt", "")

    def no_listing(*args, **kwargs):
        raise AssertionError("zipfile was asked to list the members")

    monkeypatch.setattr(safezip.zipfile, "ZipFile", no_listing)
    with pytest.raises(IngestError, match="50 members"):
        safezip.open_zip(path, max_members=10)


def lying_zip(path: Path, member: str, data: bytes, declared: int) -> None:
    """A zip whose headers declare ``declared`` bytes for a member that really holds ``data``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, data)
    raw = bytearray(buffer.getvalue())
    local = raw.index(b"PK\x03\x04")
    struct.pack_into("<I", raw, local + 22, declared)
    central = raw.index(b"PK\x01\x02")
    struct.pack_into("<I", raw, central + 24, declared)
    path.write_bytes(bytes(raw))


def test_a_header_that_understates_the_size_cannot_overrun(tmp_path):
    path = tmp_path / "export.zip"
    body = b'<HealthData>' + b" " * (20 * MIB) + b"</HealthData>"
    lying_zip(path, "apple_health_export/export.xml", body, declared=1000)
    with safezip.open_zip(path) as archive:
        assert archive.size("apple_health_export/export.xml") == 1000
        with archive.open("apple_health_export/export.xml") as stream:
            with pytest.raises(IngestError, match="export.zip: apple_health_export/export.xml"):
                while stream.read(4096):
                    pass
            assert stream.count <= 1000
    refused_fast(lambda: load(path), "export.zip")


def test_counting_stream_stops_at_its_limit():
    stream = safezip.CountingStream(io.BytesIO(bytes(10_000)), limit=5000, what="x.zip: m")
    assert len(stream.read(4000)) == 4000
    with pytest.raises(IngestError, match="x.zip: m: refused: more than 5000 bytes"):
        stream.read(4000)
    # it asked the underlying stream for one byte past the limit, not for all it was asked
    assert stream.count == 5001


def test_not_a_zip_and_a_damaged_zip(tmp_path):
    fake = tmp_path / "export.zip"
    fake.write_text("this is text")
    refused_fast(lambda: load(fake), "export.zip: not a zip archive")
    cut = tmp_path / "cut.zip"
    with zipfile.ZipFile(cut, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Habits.csv", "Position,Name\n001,Foam rolling\n" * 2000)
    data = cut.read_bytes()
    cut.write_bytes(data[:200] + data[-200:])
    refused_fast(lambda: load(cut), "cut.zip")


def test_loop_export_bomb_is_refused(tmp_path):
    path = tmp_path / "Loop Habits CSV.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Habits.csv", "Position,Name\n001,Foam rolling\n")
        write_zeros(archive, "001 Foam rolling/Checkmarks.csv", 50 * MIB)
    refused_fast(lambda: load(path), r"Loop Habits CSV.zip: refused as a possible zip bomb")


# --- XLSX is a zip too -----------------------------------------------------------------------

def test_xlsx_bomb_is_refused_before_openpyxl_opens_it(tmp_path, monkeypatch):
    path = tmp_path / "sessions.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        write_zeros(archive, "xl/worksheets/sheet1.xml", 50 * MIB)

    def must_not_open(*args, **kwargs):
        raise AssertionError("openpyxl was reached")

    monkeypatch.setattr(xlsxfile.openpyxl, "load_workbook", must_not_open)
    message = refused_fast(lambda: xlsxfile.read(path), "possible zip bomb")
    assert message.startswith(str(path)) and "xl/worksheets/sheet1.xml" in message
    refused_fast(lambda: load(path), "sessions.xlsx: refused as a possible zip bomb")


def test_an_ordinary_workbook_still_loads(tmp_path):
    import pandas as pd

    path = tmp_path / "ok.xlsx"
    pd.DataFrame({"subject_id": ["s1"], "start": ["2024-03-03T21:00:00+01:00"], "duration_s": [90],
                  "region": ["quads"]}).to_excel(path, index=False)
    segments, rejects, _ = load(path)
    assert segments["duration_s"].tolist() == [90.0] and len(rejects) == 0
