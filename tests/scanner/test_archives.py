"""Files inside ZIP and tar archives read as files (``derbes.scanner.sources.archives``):
archives written by Python's ``zipfile`` and GNU tar here, and by Info-ZIP's ``zip -e``
(``tests/data/zips``)."""

from __future__ import annotations

import gc
import io
import json
import warnings
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.sources import archives, open_source
from derbes.scanner.sources.folder import FolderSource

ZIPS = Path(__file__).resolve().parent.parent / "data" / "zips"
IIN = "860904350504"


def _export(path: Path) -> Path:
    """A CRM's export as one archive: a CSV, a Parquet file, a JSON array, a log, a photo."""
    parquet = io.BytesIO()
    pq.write_table(pa.table({"email": ["a@example.kz", "b@example.kz"], "iin": [IIN, None]}),
                   parquet)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("clients.csv", "id;email;phone\n1;c@example.kz;+7 701 123 45 67\n"
                                  "2;d@example.kz;\n")
        z.writestr("data/clients.parquet", parquet.getvalue())
        z.writestr("api/dump.json", json.dumps([{"email": "e@example.kz"}]))
        z.writestr(zipfile.ZipInfo("logs/app.log", date_time=(2015, 3, 1, 10, 0, 0)),
                   "2015-03-01 10:00:00 INFO login by f@example.kz\n")
        z.writestr("photos/", "")
        z.writestr("photos/face.png", b"\x89PNG\r\n\x1a\n" + bytes(100))
    return path


def _found(result, root: Path) -> dict[tuple[str, str | None, str], int]:
    return {(f.container.removeprefix(f"{root}/"), f.field, f.entity): f.hits
            for f in result.findings}


def test_each_member_of_an_archive_is_read_as_the_file_it_is(tmp_path: Path) -> None:
    _export(tmp_path / "export.zip")
    (tmp_path / "readme.txt").write_text("contact: ops@example.kz\n")
    source = open_source(str(tmp_path))
    assert isinstance(source, FolderSource)
    listed = {c.name.removeprefix(f"{tmp_path}/"): c for c in source.containers()}
    assert {name: c.meta.get("format") for name, c in listed.items()} == {
        "export.zip!/clients.csv": "csv", "export.zip!/data/clients.parquet": "parquet",
        "export.zip!/api/dump.json": "json", "export.zip!/logs/app.log": None,
        "export.zip!/photos/face.png": None, "readme.txt": None}
    # A member's time is the archive's record of it.
    assert listed["export.zip!/logs/app.log"].meta["mtime"] == "2015-03-01T10:00:00"
    result = scan([source], ScanOptions(jobs=1))
    assert result.sources[0].status == "ok", result.sources[0].errors
    found = _found(result, tmp_path)
    assert found == {
        ("export.zip!/clients.csv", "email", "EMAIL_ADDRESS"): 2,
        ("export.zip!/clients.csv", "phone", "PHONE_NUMBER"): 1,
        ("export.zip!/data/clients.parquet", "email", "EMAIL_ADDRESS"): 2,
        ("export.zip!/data/clients.parquet", "iin", "KZ_IIN"): 1,
        ("export.zip!/api/dump.json", "email", "EMAIL_ADDRESS"): 1,
        ("export.zip!/logs/app.log", None, "EMAIL_ADDRESS"): 1,
        ("readme.txt", None, "EMAIL_ADDRESS"): 1,
    }
    skipped = dict(result.sources[0].skipped)
    assert skipped == {f"{tmp_path}/export.zip!/photos/face.png": "binary file"}
    # The log's line is from 2015: its age is the line's, as a log file's is.
    ages = {c.container.removeprefix(f"{tmp_path}/"): c.oldest_timestamp
            for c in result.containers}
    assert (ages["export.zip!/logs/app.log"] or "").startswith("2015-03-01")
    # With workers, the same.
    assert _found(scan([open_source(str(tmp_path))], ScanOptions(jobs=2)), tmp_path) == found


def test_an_archive_named_alone_is_its_members(tmp_path: Path) -> None:
    archive = _export(tmp_path / "export.zip")
    result = scan([open_source(str(archive))], ScanOptions(jobs=1))
    assert ("export.zip!/data/clients.parquet", "iin", "KZ_IIN") in _found(result, tmp_path)


def test_an_encrypted_member_is_listed_and_skipped(tmp_path: Path) -> None:
    # Info-ZIP 3.0's `zip -e -P s3cret locked.zip secret.log`.
    (tmp_path / "locked.zip").write_bytes((ZIPS / "locked.zip").read_bytes())
    result = scan([open_source(str(tmp_path))], ScanOptions(jobs=1))
    assert result.findings == ()
    assert dict(result.sources[0].skipped) == {
        f"{tmp_path}/locked.zip!/secret.log": "encrypted ZIP member"}


def test_a_broken_archive_is_an_error_naming_it_and_the_rest_is_read(tmp_path: Path) -> None:
    (tmp_path / "broken.zip").write_text("not a zip\n")
    (tmp_path / "app.log").write_text("login by ops@example.kz\n")
    result = scan([open_source(str(tmp_path))], ScanOptions(jobs=1))
    (summary,) = result.sources
    assert summary.status == "partial"
    assert summary.errors == (f"{tmp_path}/broken.zip: not a readable ZIP archive: "
                              "File is not a zip file",)
    assert _found(result, tmp_path) == {("app.log", None, "EMAIL_ADDRESS"): 1}


def test_a_damaged_member_fails_naming_it_after_the_lines_before(tmp_path: Path) -> None:
    lines = "".join(f"2026-12-01 10:00:{i % 60:02d} login by u{i}@example.kz\n"
                    for i in range(20000))
    with zipfile.ZipFile(tmp_path / "logs.zip", "w", zipfile.ZIP_STORED) as z:
        z.writestr("app.log", lines)
    data = bytearray((tmp_path / "logs.zip").read_bytes())
    at = data.index(b"u19990@")
    data[at:at + 5] = b"XXXXX"  # the stored bytes no longer match the CRC
    (tmp_path / "logs.zip").write_bytes(bytes(data))
    result = scan([open_source(str(tmp_path))], ScanOptions(jobs=1))
    (summary,) = result.sources
    (error,) = summary.errors
    assert error.startswith(f"{tmp_path}/logs.zip!/app.log") and "CRC" in error, error
    # The CRC is checked at the member's end: what came before it is kept (but for the last
    # 64 KiB read, ``archives._STEP``).
    assert _found(result, tmp_path)[("logs.zip!/app.log", None, "EMAIL_ADDRESS")] > 18000


def test_names_windows_wrote_in_its_oem_code_page_read_as_written(tmp_path: Path) -> None:
    # Windows' "compressed folder" writes names in the OEM code page (cp866 on a Russian or
    # Kazakh Windows) without the UTF-8 flag; made here by writing those bytes as the name
    # (Python's zipfile flags any name that is not ASCII as UTF-8), not by Windows itself.
    name = "Клиенты____.csv"  # as long as the placeholder: no offset moves
    with zipfile.ZipFile(tmp_path / "win.zip", "w") as z:
        z.writestr("PLACEHOLDER.csv", "email\ng@example.kz\n")
    data = (tmp_path / "win.zip").read_bytes()
    raw = name.encode("cp866")
    assert len(raw) == len(b"PLACEHOLDER.csv")
    (tmp_path / "win.zip").write_bytes(data.replace(b"PLACEHOLDER.csv", raw))
    (member,), fault = archives.members(str(tmp_path / "win.zip"))
    assert fault is None
    assert member.name == f"{tmp_path}/win.zip!/Клиенты____.csv"
    result = scan([open_source(str(tmp_path))], ScanOptions(jobs=1))
    assert _found(result, tmp_path) == {
        ("win.zip!/Клиенты____.csv", "email", "EMAIL_ADDRESS"): 1}


@pytest.mark.parametrize("name", ["/data/a!/b.log", "/data/x.zip!/", "x.zip",
                                  "x.zip!/y.zip!/z.log"])
def test_what_names_no_member_is_none(name: str) -> None:
    assert archives.member_of(name) is None


# -- tar ----------------------------------------------------------------------------------------


def _logs_folder(root: Path, days: int = 6, lines: int = 300) -> Path:
    """A /var/log-like folder: a log a day, a CSV export, a Parquet file, a subfolder."""
    root.mkdir()
    (root / "nginx").mkdir()
    for day in range(1, days + 1):
        (root / "nginx" / f"access-2026-11-{day:02d}.log").write_text("".join(
            f'95.59.{day}.{i % 250 + 1} - - [{day:02d}/Nov/2026:10:00:00 +0500] '
            f'"GET /profile?email=u{i}@example.kz HTTP/1.1" 200 512\n' for i in range(lines)))
    (root / "clients.csv").write_text("id;email\n1;c@example.kz\n2;d@example.kz\n")
    pq.write_table(pa.table({"iin": [IIN]}), root / "kyc.parquet")
    return root


@pytest.mark.parametrize("flags", ["-cf", "-czf", "-cjf", "-cJf"])
def test_each_member_of_a_tar_is_read_as_the_file_it_is(tmp_path: Path, flags: str) -> None:
    # GNU tar's own archives: plain, gzip, bzip2, xz; names as `tar -C dir .` writes them.
    import subprocess

    folder = _logs_folder(tmp_path / "var-log")
    name = {"-cf": "logs.tar", "-czf": "logs.tar.gz", "-cjf": "logs.tar.bz2",
            "-cJf": "logs.tar.xz"}[flags]
    subprocess.run(["tar", flags, str(tmp_path / name), "-C", str(folder), "."], check=True)
    source = open_source(str(tmp_path / name))
    listed = {c.name.removeprefix(f"{tmp_path}/"): c.meta.get("format")
              for c in source.containers()}
    assert listed == {f"{name}!/{p}": fmt for p, fmt in [
        *((f"nginx/access-2026-11-{d:02d}.log", None) for d in range(1, 7)),
        ("clients.csv", "csv"), ("kyc.parquet", "parquet")]}
    result = scan([source], ScanOptions(jobs=1))
    assert result.sources[0].status == "ok", result.sources[0].errors
    found = _found(result, tmp_path)
    for day in range(1, 7):
        log = f"{name}!/nginx/access-2026-11-{day:02d}.log"
        # The query's key names the e-mail's field (`?email=...`).
        assert found[(log, "email", "EMAIL_ADDRESS")] == 300
        assert found[(log, None, "IP_ADDRESS")] == 300
    assert found[(f"{name}!/clients.csv", "email", "EMAIL_ADDRESS")] == 2
    assert found[(f"{name}!/kyc.parquet", "iin", "KZ_IIN")] == 1  # spooled: Parquet seeks
    assert _found(scan([open_source(str(tmp_path / name))], ScanOptions(jobs=2)),
                  tmp_path) == found


def test_a_compressed_tar_is_read_through_about_twice_not_once_a_member(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No index: a member is reached by reading the archive up to it. Read in order from one
    # open stream, a scan lists the tar once and reads it once (not 30 times).
    import tarfile

    folder = _logs_folder(tmp_path / "var-log", days=30, lines=20)
    with tarfile.open(tmp_path / "logs.tgz", "w:gz") as tar:
        tar.add(folder, arcname="var-log")
    opened: list[str] = []
    real = archives._open_tar

    def counted(path: str):
        opened.append(path)
        return real(path)

    monkeypatch.setattr(archives, "_open_tar", counted)
    result = scan([open_source(str(tmp_path / "logs.tgz"))], ScanOptions(jobs=1))
    assert len(result.containers) == 32
    assert len(result.findings) == 62  # 30 logs x 2 entities, the CSV's and Parquet's
    assert len(opened) <= 3, opened  # the listing, the reading, and a table's turn back


def test_a_tar_cut_short_gives_its_members_before_the_cut(tmp_path: Path) -> None:
    import tarfile

    folder = _logs_folder(tmp_path / "var-log", days=6, lines=3000)
    with tarfile.open(tmp_path / "logs.tar.gz", "w:gz") as tar:
        for day in range(1, 7):
            tar.add(folder / "nginx" / f"access-2026-11-{day:02d}.log",
                    arcname=f"access-{day}.log")
    whole = (tmp_path / "logs.tar.gz").read_bytes()
    (tmp_path / "logs.tar.gz").write_bytes(whole[: len(whole) * 2 // 3])
    result = scan([open_source(str(tmp_path))], ScanOptions(jobs=1))
    (summary,) = result.sources
    assert summary.status == "partial"
    assert any(e.startswith(f"{tmp_path}/logs.tar.gz") for e in summary.errors), summary.errors
    found = _found(result, tmp_path)
    assert found[("logs.tar.gz!/access-1.log", "email", "EMAIL_ADDRESS")] == 3000
    assert found[("logs.tar.gz!/access-3.log", "email", "EMAIL_ADDRESS")] == 3000
    assert ("logs.tar.gz!/access-6.log", "email", "EMAIL_ADDRESS") not in found


def test_a_zstd_tar_is_read(tmp_path: Path) -> None:
    # tar --zstd pipes through zstd; here the plain tar compressed by the zstandard package.
    import subprocess

    import zstandard

    folder = _logs_folder(tmp_path / "var-log", days=2, lines=10)
    subprocess.run(["tar", "-cf", str(tmp_path / "plain.tar"), "-C", str(folder), "."],
                   check=True)
    (tmp_path / "logs.tar.zst").write_bytes(
        zstandard.ZstdCompressor().compress((tmp_path / "plain.tar").read_bytes()))
    (tmp_path / "plain.tar").unlink()
    result = scan([open_source(str(tmp_path))], ScanOptions(jobs=1))
    found = _found(result, tmp_path)
    assert found[("logs.tar.zst!/nginx/access-2026-11-02.log", "email", "EMAIL_ADDRESS")] == 10


def test_a_member_a_table_reader_cannot_seek_in_is_read_as_a_log(tmp_path: Path) -> None:
    # An extensionless member (Hive names its files so) is opened to tell a table by its
    # first bytes; one opening with "ORC" is looked at from its end too, which a tar read as
    # a stream cannot do: it is then a log, not a crash of the listing.
    import tarfile

    log = tmp_path / "000000_0"
    log.write_text("ORCHESTRATOR started; contact ops@example.kz\n")
    with tarfile.open(tmp_path / "hive.tar.gz", "w:gz") as tar:
        tar.add(log, "warehouse/000000_0")
    log.unlink()
    result = scan([open_source(str(tmp_path))], ScanOptions(jobs=1))
    assert result.sources[0].status == "ok", result.sources[0].errors
    assert _found(result, tmp_path) == {
        ("hive.tar.gz!/warehouse/000000_0", None, "EMAIL_ADDRESS"): 1}


def test_include_and_exclude_reach_the_members(tmp_path: Path) -> None:
    # An archive is opened when its own name passes --include/--exclude; its members then
    # pass them by their names, as files do.
    _export(tmp_path / "export.zip")
    names = {c.name.removeprefix(f"{tmp_path}/") for c in FolderSource(
        str(tmp_path), include=["*.zip", "*.csv", "*.log"], exclude=["*/logs/*"]).containers()}
    assert names == {"export.zip!/clients.csv"}
    assert not list(FolderSource(str(tmp_path), include=["*.csv"]).containers())


# -- archives inside archives ---------------------------------------------------------------


def _nested(root: Path) -> Path:
    """A backup as operators keep them: a tar (GNU tar) of a month's ZIP (Python's zipfile),
    which holds a day's ``.tar.gz`` of /var/log (GNU tar), a ZIP of a CRM's CSV export, and a
    note."""
    import subprocess

    folder = _logs_folder(root / "var-log", days=2, lines=40)
    subprocess.run(["tar", "-czf", str(root / "day-01.tar.gz"), "-C", str(folder), "."],
                   check=True)
    with zipfile.ZipFile(root / "crm.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("crm/clients.csv", f"id;email;iin\n1;k@example.kz;{IIN}\n")
    with zipfile.ZipFile(root / "month.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(root / "day-01.tar.gz", "day-01.tar.gz")
        z.write(root / "crm.zip", "exports/crm.zip")
        z.writestr("note.txt", "call +7 701 123 45 67 or ops@example.kz\n")
    subprocess.run(["tar", "-cf", str(root / "backup.tar"), "-C", str(root), "month.zip"],
                   check=True)
    return root / "backup.tar"


def test_an_archive_inside_an_archive_is_read_as_its_files(tmp_path: Path) -> None:
    backup = _nested(tmp_path)
    source = open_source(str(backup))
    listed = {c.name.removeprefix(f"{tmp_path}/"): c.meta.get("format")
              for c in source.containers()}
    day = "backup.tar!/month.zip!/day-01.tar.gz"
    assert listed == {
        f"{day}!/nginx/access-2026-11-01.log": None, f"{day}!/nginx/access-2026-11-02.log": None,
        f"{day}!/clients.csv": "csv", f"{day}!/kyc.parquet": "parquet",
        "backup.tar!/month.zip!/exports/crm.zip!/crm/clients.csv": "csv",
        "backup.tar!/month.zip!/note.txt": None}
    assert archives.member_of(f"{tmp_path}/{day}!/kyc.parquet") == (
        f"{tmp_path}/{day}", "kyc.parquet")
    assert archives.nesting(f"{tmp_path}/{day}!/kyc.parquet") == 3
    result = scan([source], ScanOptions(jobs=1))
    assert result.sources[0].status == "ok", result.sources[0].errors
    found = _found(result, tmp_path)
    assert found == {
        (f"{day}!/nginx/access-2026-11-01.log", "email", "EMAIL_ADDRESS"): 40,
        (f"{day}!/nginx/access-2026-11-01.log", None, "IP_ADDRESS"): 40,
        (f"{day}!/nginx/access-2026-11-02.log", "email", "EMAIL_ADDRESS"): 40,
        (f"{day}!/nginx/access-2026-11-02.log", None, "IP_ADDRESS"): 40,
        (f"{day}!/clients.csv", "email", "EMAIL_ADDRESS"): 2,
        (f"{day}!/kyc.parquet", "iin", "KZ_IIN"): 1,  # a table seeks: read from a copy
        ("backup.tar!/month.zip!/exports/crm.zip!/crm/clients.csv", "email",
         "EMAIL_ADDRESS"): 1,
        ("backup.tar!/month.zip!/exports/crm.zip!/crm/clients.csv", "iin", "KZ_IIN"): 1,
        ("backup.tar!/month.zip!/note.txt", None, "EMAIL_ADDRESS"): 1,
        ("backup.tar!/month.zip!/note.txt", None, "PHONE_NUMBER"): 1}
    # The month's ZIP alone gives the same files under its own name; worker processes, the
    # same findings.
    month = tmp_path / "month.zip"
    alone = _found(scan([open_source(str(month))], ScanOptions(jobs=1)), tmp_path)
    assert alone == {(c.replace("backup.tar!/", "", 1), f, e): n
                     for (c, f, e), n in found.items()}
    assert _found(scan([open_source(str(backup))], ScanOptions(jobs=2)), tmp_path) == found


def test_archives_deeper_than_the_limit_are_files(tmp_path: Path) -> None:
    # Four ZIPs one inside another: the fourth is listed as a file (binary: skipped, saying
    # so), not opened; the nesting of a decompression bomb ends there.
    payload = b"login by deep@example.kz\n"
    name = "app.log"
    for level in range(4, 0, -1):
        path = tmp_path / f"l{level}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(name, payload)
        payload, name = path.read_bytes(), path.name
        if level > 1:
            path.unlink()
    names = [c.name.removeprefix(f"{tmp_path}/")
             for c in open_source(str(tmp_path / "l1.zip")).containers()]
    assert names == ["l1.zip!/l2.zip!/l3.zip!/l4.zip"]
    assert archives.MAX_NESTING == 3
    result = scan([open_source(str(tmp_path / "l1.zip"))], ScanOptions(jobs=1))
    assert result.findings == ()
    assert [path for path, _ in result.sources[0].skipped] == [
        f"{tmp_path}/l1.zip!/l2.zip!/l3.zip!/l4.zip"]


def test_a_broken_archive_inside_an_archive_is_an_error_naming_it(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "month.zip", "w") as z:
        z.writestr("day-01.tar.gz", b"\x1f\x8b\x08\x00" + bytes(40))  # gzip cut short
        z.writestr("inner.zip", b"PK\x03\x04 not a zip")
        z.writestr("day-02.log", "login by ops@example.kz\n")
    result = scan([open_source(str(tmp_path / "month.zip"))], ScanOptions(jobs=1))
    (summary,) = result.sources
    assert summary.status == "partial"
    assert sorted(e.split(": ", 1)[0] for e in summary.errors) == [
        f"{tmp_path}/month.zip!/day-01.tar.gz", f"{tmp_path}/month.zip!/inner.zip"]
    assert _found(result, tmp_path) == {("month.zip!/day-02.log", None, "EMAIL_ADDRESS"): 1}


def test_a_tar_inside_a_tar_is_read_member_after_member(tmp_path: Path) -> None:
    # GNU tar's archive of a day's .tar.gz: the inner tar is copied once (by a cursor of its
    # own while the thread's opens it), its members then read in order from the copy.
    import subprocess

    folder = _logs_folder(tmp_path / "var-log", days=3, lines=30)
    subprocess.run(["tar", "-czf", str(tmp_path / "day.tar.gz"), "-C", str(folder), "nginx"],
                   check=True)
    subprocess.run(["tar", "-cf", str(tmp_path / "logs.tar"), "-C", str(tmp_path),
                    "day.tar.gz"], check=True)
    inner = f"{tmp_path}/logs.tar!/day.tar.gz"
    found, fault = archives.members(inner)
    assert fault is None
    names = [m.name for m in found]
    assert sorted(names) == [f"{inner}!/nginx/access-2026-11-0{d}.log" for d in (1, 2, 3)]
    archives.close_cursors()  # no copy left: reading makes it again, inside cursor.open
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name in sorted(names):
            with archives.open_member(name) as f:
                day = name[-6:-4]
                assert f.read() == (folder / "nginx" / f"access-2026-11-{day}.log").read_bytes()
        archives.close_cursors()
        gc.collect()
    # No file left open behind the thread's cursor (the outer tar's, while it copied).
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    result = scan([open_source(str(tmp_path / "logs.tar"))], ScanOptions(jobs=1))
    assert result.sources[0].status == "ok", result.sources[0].errors
    assert sum(f.hits for f in result.findings if f.entity == "EMAIL_ADDRESS") == 90
