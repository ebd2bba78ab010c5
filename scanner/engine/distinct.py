"""Distinct values counted across the parts of a scan: exact while few, a sketch when many.

Each aggregate (one entity in one field of one container) counts its distinct values by their
keyed digests (:func:`~derbes.scanner.redact.distinct_key`). Up to ``DISTINCT_CAP`` (16,384,
:mod:`~derbes.scanner.engine.options`) the digests are kept and the count is exact, whether the
container was read in one piece or in byte ranges on several workers: the parts' sets are
united. Past that, the digests go into a :class:`DistinctSketch`, an Apache DataSketches Theta
sketch (``LG_K``: 16,384 nominal entries, 128-256 KiB), which unions across parts and workers.

The count is always read from a Theta *union* of the parts: a union keeps the k smallest hashes
of all the values it has seen, whatever the order or the split, so a file read whole and the
same file read in ranges on a Dask cluster give the same number. Its relative standard error
is 1/sqrt(k) = 0.78%: within about 1.6% of the true count 95% of the time
(:meth:`DistinctSketch.bounds` gives the library's bounds for a given sketch). A count past
the cap is never reported below ``DISTINCT_CAP + 1``, which is known to be true.

A part's exact set travels and waits to be merged *packed* (:func:`pack`): one ``bytes`` of its
sorted 16-byte digests, 16 bytes a value instead of about 110 in a dict of ``bytes``, united
with another by a merge of the two sorted runs (:func:`union`).
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Iterable
from typing import TYPE_CHECKING

from derbes.detectors.lazy import one_blas_thread

if TYPE_CHECKING:
    from datasketches import compact_theta_sketch, theta_union

#: log2 of the Theta sketch's nominal entries (k = 16,384; RSE 1/sqrt(k) = 0.78%).
LG_K = 14
#: Bytes of one keyed digest (:func:`~derbes.scanner.redact.distinct_key`).
DIGEST_SIZE = 16


def pack(digests: Iterable[bytes]) -> bytes:
    """Distinct ``digests`` as one ``bytes``: each once, in sorted order, end to end."""
    if _COMPILED:
        if not isinstance(digests, (dict, set, frozenset, list, tuple)):
            digests = list(digests)
        if len(digests) >= _IN_C_FROM:
            packed = _sorted_once(digests)
            if packed is not None:
                return packed
    return b"".join(sorted(set(digests)))


#: From how many digests :func:`pack` sorts them in C (:func:`_sorted_once`): its buffers cost
#: about 2 us a call, and Python's sort of fewer is cheaper (timeit: 1 digest 2.3 us in C, 0.2
#: as objects; 64, 4.4 and 3.8; 128, 6.6 and 7.9). Many aggregates hold a handful: a --jobs
#: range of the Loghub lines x40 packs one set of 124 digests and one of 1.
_IN_C_FROM = 96


def _sorted_once(digests) -> bytes | None:
    """:func:`pack` of ``digests`` as C integers (compiled, ``distinct.pxd``), or None when one
    is not a ``bytes`` of ``DIGEST_SIZE``. Each digest is read as two big-endian 64-bit halves,
    which order as its bytes do. Keyed digests are uniform: placed by their first bits into
    about as many buckets as there are digests, they come one or two to a bucket, and an
    insertion sort finishes in one pass (no digest moves before its bucket). A bucket of more
    than ``_BUCKET`` (digests that are not keyed hashes: a test's) has them sorted a byte at a
    time instead (:func:`_by_bytes`).

    As objects, the sort compared ``bytes`` through Python's comparison: 4.0 ms for 16,000
    digests, the most an aggregate packs, and a part of a file packs a set per aggregate as it
    leaves its process (``_handed_over``). This way 0.57 ms; a merge sort of the halves
    took 2.5 ms (a random digest defeats the branch predictor at every comparison), a radix
    sort of all 16 bytes 1.6-2.0 ms."""
    n, size = len(digests), DIGEST_SIZE
    hi, lo = array("Q", [0]) * n, array("Q", [0]) * n
    for k, digest in enumerate(digests):
        if type(digest) is not bytes or len(digest) != size:
            return None
        at = digest
        h = v = 0
        for b in range(8):
            h = h << 8 | at[b]
            v = v << 8 | at[b + 8]
        hi[k], lo[k] = h, v
    bits = 1
    while (1 << bits) < n and bits < 16:
        bits += 1
    shift = 64 - bits
    starts = array("q", [0]) * ((1 << bits) + 1)
    for k in range(n):
        starts[(hi[k] >> shift) + 1] += 1
    for c in range(1 << bits):
        if starts[c + 1] > _BUCKET:
            return _by_bytes(hi, lo, n)
        starts[c + 1] += starts[c]
    to_hi, to_lo = array("Q", [0]) * n, array("Q", [0]) * n
    for k in range(n):
        c = hi[k] >> shift
        o = starts[c]
        starts[c] = o + 1
        to_hi[o], to_lo[o] = hi[k], lo[k]
    for k in range(1, n):
        h, v = to_hi[k], to_lo[k]
        o = k
        while o > 0 and (to_hi[o - 1] > h or (to_hi[o - 1] == h and to_lo[o - 1] > v)):
            to_hi[o], to_lo[o] = to_hi[o - 1], to_lo[o - 1]
            o -= 1
        to_hi[o], to_lo[o] = h, v
    return _joined(to_hi, to_lo, n)


#: The most digests one bucket of :func:`_sorted_once` holds before they are sorted byte by
#: byte. Keyed digests come at most one a bucket on average up to 65,536 of them (a Poisson
#: count of mean 1 at most): a bucket past 32 has a chance below 1e-37.
_BUCKET = 32


def _by_bytes(hi, lo, n: int) -> bytes:
    """Digests held as their halves put in order by a radix sort, a byte at a time from the
    last (a pass skipped where every digest holds the same byte), packed."""
    to_hi, to_lo = array("Q", [0]) * n, array("Q", [0]) * n
    counts = array("q", [0]) * 256
    for b in range(DIGEST_SIZE - 1, -1, -1):  # the last byte first: each pass keeps order
        for c in range(256):
            counts[c] = 0
        for k in range(n):
            counts[_byte_of(hi[k], lo[k], b)] += 1
        if counts[_byte_of(hi[0], lo[0], b)] == n:
            continue  # every digest holds the same byte here: the order stands
        total = 0
        for c in range(256):  # each value's first place
            m = counts[c]
            counts[c] = total
            total += m
        for k in range(n):
            c = _byte_of(hi[k], lo[k], b)
            o = counts[c]
            counts[c] = o + 1
            to_hi[o], to_lo[o] = hi[k], lo[k]
        hi, to_hi = to_hi, hi
        lo, to_lo = to_lo, lo
    return _joined(hi, lo, n)


def _byte_of(hi: int, lo: int, b: int) -> int:
    """Byte ``b`` (0: the first) of a digest held as its two big-endian halves."""
    return (hi >> (56 - 8 * b)) & 0xFF if b < 8 else (lo >> (120 - 8 * b)) & 0xFF


def _joined(hi, lo, n: int) -> bytes:
    """Sorted digests held as their halves, end to end, each once."""
    size = DIGEST_SIZE
    out = bytearray(size * n)
    o = 0
    for k in range(n):
        h, v = hi[k], lo[k]
        if k and h == hi[k - 1] and v == lo[k - 1]:
            continue  # one digest met twice: kept once
        for b in range(7, -1, -1):
            out[o + b] = h & 0xFF
            out[o + 8 + b] = v & 0xFF
            h >>= 8
            v >>= 8
        o += size
    return bytes(out[:o])


def unpack(packed: bytes) -> list[bytes]:
    """The digests of a packed set (:func:`pack`), in sorted order."""
    return [packed[i:i + DIGEST_SIZE] for i in range(0, len(packed), DIGEST_SIZE)]


def packed_len(packed: bytes) -> int:
    """How many digests a packed set (:func:`pack`) holds."""
    return len(packed) // DIGEST_SIZE


def union(a: bytes, b: bytes) -> bytes:
    """The union of two packed sets (:func:`pack`), packed."""
    if not a or not b:
        return a or b
    if _COMPILED:
        return _merged(a, b)
    # Two sorted runs: the sort merges them in one pass; a dict drops the repeats in order.
    return b"".join(dict.fromkeys(sorted(unpack(a) + unpack(b))))


#: Whether Cython compiled this module (``distinct.pxd``): then :func:`union` merges the two
#: runs byte by byte in C; as Python, the sort of the digests as objects is the faster way.
_COMPILED = not __file__.endswith(".py")


def _merged(a: bytes, b: bytes) -> bytes:
    """:func:`union` as one pass over both sorted runs, a digest (``DIGEST_SIZE`` bytes)
    compared and copied byte by byte: no object per digest (compiled, ``distinct.pxd``).
    The parent of a ``--jobs`` scan unites the parts of a file as they come back, while the
    workers run: as objects, the union of two sets of 16,000 digests, half of them shared,
    took 6.9 ms; through memoryviews 1.0-1.4 ms; through C pointers 0.40 ms (timeit, two
    machines)."""
    la, lb, size = len(a), len(b), DIGEST_SIZE
    if la % size or lb % size:  # read in C by whole digests: never past either end
        raise ValueError("not packed digests: a length that is not a multiple of "
                         f"{size}")
    out = bytearray(la + lb)
    # Compiled, the three are read and written through C pointers (``distinct.pxd``).
    pa, pb, po = a, b, out
    i = j = n = 0
    while i < la and j < lb:
        k = 0
        while k < size and pa[i + k] == pb[j + k]:
            k += 1
        if k < size and pb[j + k] < pa[i + k]:
            for k in range(size):
                po[n + k] = pb[j + k]
            j += size
        else:
            if k == size:  # one digest in both: kept once
                j += size
            for k in range(size):
                po[n + k] = pa[i + k]
            i += size
        n += size
    return bytes(out[:n]) + a[i:] + b[j:]


def _theta():
    """The DataSketches module, imported when a sketch is first made: it imports numpy (60-70
    ms), and most scans never count past ``DISTINCT_CAP``.

    numpy, if pyarrow has not loaded it, loads here for DataSketches alone, which does no
    linear algebra: so its OpenBLAS starts no threads
    (:func:`~derbes.detectors.lazy.one_blas_thread`)."""
    with one_blas_thread():
        import datasketches

    return datasketches


def _item(digest: bytes) -> int:
    """The sketch's item of a digest: its first 8 bytes, a signed little-endian integer (the
    digests are keyed BLAKE2b, uniform already). Compiled, read in C (``distinct.pxd``), where
    a slice and ``int.from_bytes`` cost about 0.3 us a value counted past DISTINCT_CAP."""
    if not _COMPILED:
        return int.from_bytes(digest[:8], "little", signed=True)
    value = 0
    for k in range(7, -1, -1):
        value = value << 8 | digest[k]
    return value  # an unsigned 64-bit value, returned as C's signed one: two's complement


def _packed_items(packed: bytes) -> tuple[int, ...]:
    """:func:`_item` of every digest of a packed set (:func:`pack`), read in one call: no
    ``bytes`` object per digest (half the time of sketching a packed part)."""
    return struct.unpack("<" + "q8x" * (len(packed) // DIGEST_SIZE), packed)


class DistinctSketch:
    """A mergeable estimate of how many distinct digests were seen."""

    __slots__ = ("_live", "_merged")

    def __init__(self, digests: Iterable[bytes] = ()) -> None:
        self._live = _theta().update_theta_sketch(LG_K)
        # The union of the parts merged in, kept as one: a list of them grew by up to 128 KiB
        # with every byte range folded into a file's count.
        self._merged: theta_union | None = None
        update = self._live.update
        for digest in digests:
            update(_item(digest))

    def add(self, digest: bytes) -> None:
        """Count one value's digest."""
        self._live.update(_item(digest))

    def add_packed(self, packed: bytes) -> None:
        """Count every digest of a packed set (:func:`pack`)."""
        update = self._live.update
        for item in _packed_items(packed):
            update(item)

    def merge(self, other: DistinctSketch) -> None:
        """Fold in the values another part of the scan counted."""
        self._fold(other.compact())

    def _fold(self, part: compact_theta_sketch) -> None:
        if self._merged is None:
            self._merged = _theta().theta_union(LG_K)
        self._merged.update(part)

    def compact(self) -> compact_theta_sketch:
        """Everything seen so far as one compact sketch (the union of the parts)."""
        found = _theta().theta_union(LG_K)
        found.update(self._live)
        if self._merged is not None:
            found.update(self._merged.get_result())
        return found.get_result()

    def estimate(self) -> int:
        """The estimated number of distinct digests (exact below k = 16,384)."""
        return round(self.compact().get_estimate())

    def bounds(self, std_devs: int = 2) -> tuple[int, int]:
        """The library's confidence bounds on the count: 2 standard deviations is ~95%."""
        found = self.compact()
        return round(found.get_lower_bound(std_devs)), round(found.get_upper_bound(std_devs))

    def __reduce__(self):
        # The library's sketches do not pickle; their serialized form does.
        return (_from_bytes, (self.compact().serialize(),))


def _from_bytes(data: bytes) -> DistinctSketch:
    sketch = DistinctSketch()
    sketch._fold(_theta().compact_theta_sketch.deserialize(data))
    return sketch
