"""URLs of sources: credentials masked for display, and the host named.

The one place that decides what of a URL may be shown: the CLI, the configuration, the SQL
source and every report mask through here. A password (``user:secret@``) and the values of
secret query keys (``?password=``, ``token=``...) become ``***``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: Query-string keys whose values are secrets, masked like the password.
SECRET_KEYS = ("password", "passwd", "pwd", "sslpassword", "secret", "token")
MASK = "***"

_SECRET_QUERY = re.compile(r"([?&](?:" + "|".join(SECRET_KEYS) + r")=)[^&#\s]*", re.IGNORECASE)
#: Something that looks like a URL in free text (a driver's message, an option's value).
_URL_IN_TEXT = re.compile(r"[a-z][a-z0-9+.\-]*://[^\s'\"<>]*", re.IGNORECASE)


def mask_url(url: str) -> str:
    """``url`` with its password and secret query values replaced by ``***``.

    The user info ends at the last ``@`` before the query, so a password holding ``@`` or
    ``/`` is masked whole: ``pg://u:p@w@h/db`` -> ``pg://u:***@h/db``.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    query_at = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    at = rest.rfind("@", 0, query_at)
    if at >= 0:
        user, colon, _ = rest[:at].partition(":")
        if colon and "/" not in user:
            rest = f"{user}:{MASK}{rest[at:]}"
    return f"{scheme}://{_SECRET_QUERY.sub(lambda m: m.group(1) + MASK, rest)}"


def mask_urls(text: str) -> str:
    """Every URL in ``text`` masked as :func:`mask_url` does; the rest left as it is."""
    return _URL_IN_TEXT.sub(lambda m: mask_url(m.group()), text)


def url_host(url: str) -> str | None:
    """The host a URL names, or ``None`` (a local file, a socket, not a URL)."""
    try:
        return urlsplit(url).hostname or None
    except ValueError:
        return None
