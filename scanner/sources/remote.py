"""Files on object stores and other shared storage, through fsspec URLs (``s3://``, ``gs://``).

A log or table source whose spec is a URL of a protocol fsspec knows (``s3://bucket/logs/``,
``gs://bucket/exports/*.parquet``) lists and reads its files through the matching fsspec
package (``s3fs``, ``gcsfs``), which must be installed: ``pip install derbes[s3]``. Credentials
come from the environment the way each package reads it (``AWS_ACCESS_KEY_ID``,
``AWS_PROFILE``, ``AWS_ENDPOINT_URL``, ``GOOGLE_APPLICATION_CREDENTIALS``, instance roles...),
never from the URL: a URL carrying ``user:password@`` is refused, so no secret reaches a report
or a log. Containers are named by their full URL, so every worker of a cluster can open them.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from derbes.scanner.errors import SourceError

#: Schemes that name databases, never files, whatever fsspec knows.
_NOT_FILES = frozenset({"postgresql", "postgres", "mysql", "mariadb", "sqlite"})


def is_remote(spec: str) -> bool:
    """True for a URL of a file system fsspec knows (``s3://``, ``gs://``), not a database."""
    scheme, sep, _ = spec.partition("://")
    if not sep or "+" in scheme or scheme.lower() in _NOT_FILES:
        return False
    try:
        import fsspec
    except ImportError:  # pragma: no cover - a dependency of derbes
        return False
    return scheme.lower() in fsspec.available_protocols()


def display_url(spec: str) -> str:
    """``spec`` with anything before an ``@`` in its host part masked: a source's name."""
    scheme, sep, rest = spec.partition("://")
    host, slash, path = rest.partition("/")
    if not sep or "@" not in host:
        return spec
    return f"{scheme}://***@{host.rpartition('@')[2]}{slash}{path}"


def _fs(url: str, source: str) -> tuple[Any, str]:
    """The file system of ``url`` and the path inside it; ``SourceError`` if unusable."""
    if "@" in urlsplit(url).netloc:
        # Named masked: the part before '@' may be a secret.
        raise SourceError(display_url(source), "credentials in a storage URL are refused; "
                          "give them through the environment (AWS_ACCESS_KEY_ID, AWS_PROFILE...)")
    import fsspec

    try:
        return fsspec.core.url_to_fs(url)
    except ImportError as e:  # fsspec names the package to install
        raise SourceError(source, f"{e} (pip install 'derbes[s3]' for s3://)") from e
    except (ValueError, OSError) as e:
        raise SourceError(source, f"cannot open the storage: {type(e).__name__}") from e


def _url(fs: Any, path: str) -> str:
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return f"{protocol}://{path}"


def find_remote(
    spec: str, include: Iterable[str] = (), exclude: Iterable[str] = ()
) -> tuple[list[tuple[str, dict]], list[str]]:
    """``[(url, meta)]`` of the files ``spec`` names (an object, a prefix or a glob), sorted.

    ``meta`` has ``size`` and ``mtime`` (ISO 8601) where the store says. Raises
    ``SourceError`` when nothing matches or the store cannot be listed.
    """
    fs, root = _fs(spec, spec)
    include, exclude = tuple(include), tuple(exclude)
    try:
        if any(c in root for c in "*?["):
            found = fs.glob(root, detail=True)
        elif fs.isfile(root):
            found = {root: fs.info(root)}
        else:
            found = fs.find(root, detail=True)
    except FileNotFoundError as e:
        raise SourceError(spec, "no such bucket, object or prefix") from e
    except PermissionError as e:
        raise SourceError(spec, "permission denied (check the credentials in the "
                          "environment)") from e
    except (OSError, ValueError) as e:
        # The exception text may quote a request; its type says enough.
        raise SourceError(spec, f"cannot list: {type(e).__name__}") from e
    out = []
    for path, info in sorted(found.items()):
        if info.get("type") == "directory":
            continue
        url = _url(fs, path)
        if _selected(url, include, exclude):
            out.append((url, _meta(info)))
    if not out:
        raise SourceError(spec, f"no files match {spec!r}")
    return out, []


def _selected(url: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    base = posixpath.basename(url)

    def hit(patterns: tuple[str, ...]) -> bool:
        return any(fnmatch.fnmatch(url, p) or fnmatch.fnmatch(base, p) for p in patterns)

    return (not include or hit(include)) and not hit(exclude)


def _meta(info: dict) -> dict:
    meta: dict[str, Any] = {}
    if info.get("size") is not None:
        meta["size"] = int(info["size"])
    for key in ("mtime", "LastModified", "updated", "last_modified", "created"):
        value = info.get(key)
        if isinstance(value, datetime):
            meta["mtime"] = value.astimezone(UTC).isoformat(timespec="seconds")
            break
        if isinstance(value, int | float):
            meta["mtime"] = datetime.fromtimestamp(value, UTC).isoformat(timespec="seconds")
            break
        if isinstance(value, str) and value:
            meta["mtime"] = value
            break
    return meta


def open_remote(url: str, source: str, block_size: int | None = None) -> BinaryIO:
    """``url`` opened for reading bytes; ``SourceError`` naming the file if it cannot be.

    ``block_size``: how much a read fetches at least (the filesystem's default when None:
    50 MiB for S3, which a read of a file's head alone does not need)."""
    fs, path = _fs(url, source)
    try:
        if block_size is not None:
            return fs.open(path, "rb", block_size=block_size)
        return fs.open(path, "rb")
    except FileNotFoundError as e:
        raise SourceError(source, "file vanished before it was read", url) from e
    except PermissionError as e:
        raise SourceError(source, "permission denied", url) from e
    except OSError as e:
        raise SourceError(source, f"cannot open: {type(e).__name__}", url) from e


def storage_host(spec: str) -> str | None:
    """Where the bucket of an ``s3://`` source rests, as a host name the location layer
    reads (``derbes.scanner.policy.location``): on AWS the endpoint of the bucket's own
    region (``s3.eu-central-1.amazonaws.com``, from ``GetBucketLocation``, a request to the
    store the source reads anyway); on another store (``AWS_ENDPOINT_URL``: Yandex Object
    Storage, MinIO, a server of the operator's) that endpoint's host. None where it cannot
    be told (no permission to read the bucket's location on AWS, another protocol)."""
    if not spec.lower().startswith("s3://"):
        return None
    try:
        fs, path = _fs(spec, spec)
    except SourceError:
        return None
    bucket = path.split("/", 1)[0]
    region: str | None = None
    try:
        # No LocationConstraint is us-east-1 (and "EU" the old name of eu-west-1).
        found = fs.call_s3("get_bucket_location", Bucket=bucket).get("LocationConstraint")
        region = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(found, found)
    except Exception:  # any refusal (permissions, a store without it): the endpoint, or nothing
        region = None
    endpoint = getattr(getattr(getattr(fs, "s3", None), "meta", None), "endpoint_url", None)
    host = urlsplit(endpoint).hostname if endpoint else None
    if host and not host.endswith((".amazonaws.com", ".amazonaws.com.cn")):
        return host.lower()
    return f"s3.{region}.amazonaws.com" if region else None


class StoredAt:
    """The ``host`` of a file source (``spec``): None for files on this machine's disks, for
    an object store where its bucket rests (:func:`storage_host`), asked once."""

    spec: str

    @property
    def host(self) -> str | None:
        try:
            return self._stored_at
        except AttributeError:
            self._stored_at: str | None = storage_host(self.spec) if is_remote(self.spec) \
                else None
            return self._stored_at


def remote_info(url: str, source: str) -> dict:
    """``size`` and ``mtime`` of one file."""
    fs, path = _fs(url, source)
    try:
        return _meta(fs.info(path))
    except OSError as e:
        raise SourceError(source, f"cannot stat: {type(e).__name__}", url) from e
