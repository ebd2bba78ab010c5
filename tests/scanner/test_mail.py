"""E-mail read for its text (``derbes.scanner.sources.mail``): messages and a mailbox written
by Python's ``email`` and ``mailbox`` packages, with a document LibreOffice wrote attached."""

from __future__ import annotations

import datetime as dt
import mailbox
import zipfile
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.sources import mail, open_source

DOCS = Path(__file__).resolve().parent.parent / "data" / "documents"
IIN = "860904350504"


def _request() -> EmailMessage:
    """A client's request to support: a base64 body, an HTML alternative, a contract, a
    photo and a CSV attached."""
    m = EmailMessage()
    m["From"] = "Серикова Айгуль <a.serikova@example.kz>"
    m["To"] = "support@example.kz"
    m["Subject"] = "Заявка: смена номера телефона"
    m["Date"] = format_datetime(dt.datetime(2015, 3, 1, 10, 0,
                                            tzinfo=dt.timezone(dt.timedelta(hours=5))))
    m["Message-ID"] = "<20150301100000.1@mail.example.kz>"
    m.set_content(f"Здравствуйте! Мой ИИН {IIN}, новый номер +7 701 123 45 67.\n",
                  charset="utf-8", cte="base64")
    m.add_alternative(f"<html><body><p>Мой ИИН {IIN}</p><table><tr><td>тел.</td>"
                      "<td>+7 701 123 45 67</td></tr></table></body></html>", subtype="html")
    m.add_attachment((DOCS / "contract.docx").read_bytes(), maintype="application",
                     subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                     filename="Договор.docx")
    m.add_attachment(b"\x89PNG\r\n\x1a\n" + bytes(50), maintype="image", subtype="png",
                     filename="photo.png")
    m.add_attachment(b"id;email\n1;c@example.kz\n", maintype="text", subtype="csv",
                     filename="clients.csv")
    return m


def test_a_message_reads_as_its_headers_bodies_and_attachments(tmp_path: Path) -> None:
    (tmp_path / "request.eml").write_bytes(bytes(_request()))
    reader = mail.Mail()
    with (tmp_path / "request.eml").open("rb") as f:
        lines = list(reader.lines(f, "eml"))
    date = "2015-03-01T10:00:00+05:00 "
    assert all(line.startswith(date) for line in lines)  # a hit's age is its message's
    assert lines[:4] == [f"{date}a message",
                         f"{date}From: Серикова Айгуль <a.serikova@example.kz>",
                         f"{date}To: support@example.kz",
                         f"{date}Subject: Заявка: смена номера телефона"]
    text = "\n".join(line.removeprefix(date) for line in lines)
    assert f"Мой ИИН {IIN}, новый номер +7 701 123 45 67." in text  # the base64 body
    assert "\tтел.\t+7 701 123 45 67" in text  # the HTML alternative, without its tags
    assert "attachment Договор.docx" in text and "Петров Пётр\t860904350504" in text
    assert "1;c@example.kz" in text
    assert "mail.example.kz" not in text  # the Message-ID is no e-mail address to report
    assert reader.notes == ["attachments not read: image/png (1)"]


def test_a_mailbox_in_a_folder_is_scanned_with_its_messages_age(tmp_path: Path) -> None:
    box = mailbox.mbox(tmp_path / "support.mbox")
    box.add(_request())
    reply = EmailMessage()
    reply["From"] = "ops@example.kz"
    reply["To"] = "b@example.kz"
    reply["Subject"] = "re"
    reply["Date"] = format_datetime(dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    reply.set_content("From the start: call +7 702 555 12 34\n")  # quoted as >From in mbox
    box.add(reply)
    box.flush()
    box.close()
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as z:
        z.writestr("request.eml", bytes(_request()))
    result = scan([open_source(str(tmp_path))], ScanOptions(jobs=1))
    assert result.sources[0].status == "ok", result.sources[0].errors
    found: dict[tuple[str, str], int] = {}
    for f in result.findings:
        key = (f.container.removeprefix(f"{tmp_path}/"), f.entity)
        found[key] = found.get(key, 0) + f.hits
    for name in ("support.mbox", "export.zip!/request.eml"):
        extra = 1 if name == "support.mbox" else 0  # the reply's phone
        assert found[(name, "KZ_IIN")] == 5, name  # body, HTML, three in the contract
        assert found[(name, "PHONE_NUMBER")] == 5 + extra, name
    # From and To of both messages, the contract's and the CSV's: no Message-ID.
    assert found[("support.mbox", "EMAIL_ADDRESS")] == 4 + 2
    ages = {c.container.removeprefix(f"{tmp_path}/"): c for c in result.containers}
    assert (ages["support.mbox"].oldest_timestamp or "").startswith("2015-03-01")
    assert "attachments not read: image/png (1)" in ages["support.mbox"].notes


def test_a_damaged_part_is_counted_not_fatal(tmp_path: Path) -> None:
    raw = bytes(_request()).replace(b"Content-Transfer-Encoding: base64",
                                    b"Content-Transfer-Encoding: x-unknown", 1)
    (tmp_path / "odd.eml").write_bytes(raw)
    result = scan([open_source(str(tmp_path / "odd.eml"))], ScanOptions(jobs=1))
    assert result.sources[0].status == "ok", result.sources[0].errors
    assert {f.entity for f in result.findings} >= {"KZ_IIN", "EMAIL_ADDRESS"}
