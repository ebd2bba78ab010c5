"""E-mail read for its text: one message (``.eml``), a mailbox (``.mbox``), with attachments.

A support team's exported mailbox, a message saved from a client: personal data in the
addresses, the bodies and the attached documents. Read as a log, a message is its raw MIME:
the headers and a quoted-printable body read, but a base64 body or attachment is letters
and digits with nothing to find, and the attached contract or spreadsheet is lost. Here each
message becomes lines for the log reader, each opening with the message's date (ISO 8601:
a hit's age is its message's, for retention): ``From:``, ``To:``, ``Cc:``, ``Reply-To:``
and ``Subject:`` decoded, then each text part decoded (HTML without its tags), then each
attachment that holds text: a document (PDF, DOCX, ODT: ``sources.documents``), a text or
CSV file; others (images, archives) are counted in a note, not read.
"""

from __future__ import annotations

import email
import email.policy
import io
import re
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import IO

from derbes.scanner.sources import documents
from derbes.scanner.sources.decompress import byte_lines

#: The headers read, in this order.
HEADERS = ("From", "To", "Cc", "Reply-To", "Subject")
#: Bytes of one part read at most (a 200 MB attachment is not held whole for its text).
MAX_PART = 64 << 20


def kind(name: str) -> str | None:
    """``eml`` or ``mbox`` for a file named as a message or a mailbox."""
    lower = name.lower()
    if lower.endswith(".eml"):
        return "eml"
    return "mbox" if lower.endswith(".mbox") else None


class Mail:
    """The text of a message or a mailbox, as lines; ``notes``: what was not read."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self._unread: dict[str, int] = {}

    def lines(self, f: IO[bytes], which: str) -> Iterator[str]:
        if which == "eml":  # one message: read whole (its attachments are in it)
            yield from self._message(email.message_from_bytes(
                f.read(), policy=email.policy.default))
        else:
            yield from self._mailbox(f)
        if self._unread:
            self.notes.append("attachments not read: " + ", ".join(
                f"{kind} ({n})" for kind, n in sorted(self._unread.items())))

    def _mailbox(self, f: IO[bytes]) -> Iterator[str]:
        """An mbox file's messages in turn, each after its ``From `` separator line."""
        message: list[bytes] = []
        for raw in _raw_lines(f):
            if raw.startswith(b"From ") and message:
                yield from self._message(_parse(message))
                message = []
            if raw.startswith(b"From ") and not message:
                continue  # the separator itself
            message.append(raw[1:] if raw.startswith(b">From ") else raw)
        if message:
            yield from self._message(_parse(message))

    def _message(self, message: EmailMessage) -> Iterator[str]:
        date = message.get("Date")
        when = None
        if date:
            try:
                when = parsedate_to_datetime(str(date)).isoformat()
            except (TypeError, ValueError):
                when = None
        # Each line opens with the message's date, as a log line with its time: a hit's age
        # is its message's (retention). Not the Message-ID: <1234@mail.example.kz> reads as
        # an e-mail address.
        stamp = f"{when} " if when else ""
        yield f"{stamp}a message"
        for header in HEADERS:
            for value in message.get_all(header, ()):
                yield f"{stamp}{header}: {_one_line(str(value))}"
        for part in message.walk():
            if not part.is_multipart():
                for line in self._part(part):
                    yield stamp + line

    def _part(self, part: EmailMessage) -> Iterator[str]:
        content_type = part.get_content_type()
        filename = part.get_filename()
        try:
            payload = part.get_payload(decode=True) or b""
        except Exception:  # a damaged transfer encoding
            self._count("damaged")
            return
        payload = payload[:MAX_PART]
        which = documents.kind(filename) if filename else None
        if which is None and content_type == "application/pdf":
            which = "pdf"
        if which is not None:
            try:
                text, why = documents.text(io.BytesIO(payload), which)
            except ValueError:
                self._count(which)
                return
            if text is None:
                self._count(why or which)  # a scanned PDF, an encrypted one, a .doc
                return
            yield f"attachment {filename or content_type}"
            yield from text.splitlines()
            return
        if part.get_content_maintype() == "text" or (filename or "").lower().endswith(
                (".csv", ".txt", ".log", ".json", ".xml", ".tsv")):
            charset = part.get_content_charset() or "utf-8"
            try:
                text = payload.decode(charset, "replace")
            except LookupError:
                text = payload.decode("utf-8", "replace")
            if content_type == "text/html":
                text = _html_text(text)
            if filename:
                yield f"attachment {filename}"
            yield from text.splitlines()
            return
        self._count(content_type)

    def _count(self, what: str) -> None:
        self._unread[what] = self._unread.get(what, 0) + 1


def _raw_lines(f: IO[bytes]) -> Iterator[bytes]:
    """``f``'s lines, each with a line end (any stream that reads will do)."""
    return (line + b"\n" for line in byte_lines(iter(lambda: f.read(1 << 20), b"")))


def _parse(lines: list[bytes]) -> EmailMessage:
    return email.message_from_bytes(b"".join(lines), policy=email.policy.default)


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag in ("br", "p", "div", "tr", "li", "table", "h1", "h2", "h3"):
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _html_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


__all__ = ["HEADERS", "Mail", "kind"]
