"""What of a URL may be shown: one masking for the CLI, the configuration, sources and reports."""

from __future__ import annotations

import pytest

from derbes.scanner.urls import mask_url, mask_urls, url_host


@pytest.mark.parametrize(("url", "shown"), [
    ("mysql://u:pw@h/db", "mysql://u:***@h/db"),
    ("mysql://u@h/db", "mysql://u@h/db"),
    # A password holding '@' or '/' is masked whole (the user info ends at the last '@').
    ("postgresql://u:p@w@h:bad/db", "postgresql://u:***@h:bad/db"),
    ("postgresql://u:p/w@h/db", "postgresql://u:***@h/db"),
    ("postgresql://scan:s3cr%40t@db.local:5432/app", "postgresql://scan:***@db.local:5432/app"),
    # Secret query values go too; other query values stay.
    ("mysql://u@h/db?password=tok123&ssl=1", "mysql://u@h/db?password=***&ssl=1"),
    ("postgresql://h/db?sslmode=require&Token=abc", "postgresql://h/db?sslmode=require&Token=***"),
    # An '@' in a file path is not user info.
    ("sqlite:///data/a@b.db", "sqlite:///data/a@b.db"),
    ("/var/log/app.log", "/var/log/app.log"),
])
def test_mask_url(url, shown):
    assert mask_url(url) == shown


def test_mask_urls_in_free_text():
    text = "could not connect to postgresql://app:hunter2@db/app: refused; 'mysql://u:pw@h/x'"
    assert mask_urls(text) == (
        "could not connect to postgresql://app:***@db/app: refused; 'mysql://u:***@h/x'")
    assert mask_urls("no URL here: user:pass") == "no URL here: user:pass"


def test_url_host():
    assert url_host("postgresql://u:p@db.example.com:5432/x") == "db.example.com"
    assert url_host("mysql://u@10.1.2.3/db") == "10.1.2.3"
    assert url_host("sqlite:///x.db") is None
    assert url_host("postgresql:///crm?host=/var/run/postgresql") is None  # a socket
    assert url_host("/var/log/nginx") is None
    assert url_host("postgresql://u@[::1/db") is None  # malformed: no host, not an error
