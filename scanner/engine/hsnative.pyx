# cython: language_level=3
"""Hyperscan's C library called directly, for the fast path's scan of lines and values.

The ``hyperscan`` package calls a Python function for every match: it makes the match's four
numbers into Python integers, packs them with the context into a call, and the handler
(``marks._on_match``) turns them back into C integers for the sink. Here Hyperscan calls a
C function that hands the match to the sink's C method (``_MarkSink._match``, compiled:
``marks.pxd``) with no Python object made: on the public Loghub lines x40 (callgrind) that
was a tenth of a scan. The library is the system's (Debian's ``libhyperscan-dev`` at build
time, ``libhyperscan5`` at run time), whose runtime also picks the widest vector instructions
the processor has.

Built only where the system library and its headers are (``setup.py``), and used only where
``fastpath`` and ``marks`` run compiled (the sink is then an extension type); elsewhere the
``hyperscan`` package scans, with the same marks (a test holds them equal). A database compiled here is the
system library's, serialized and cached apart from the package's (``hscache``).
"""

from libc.stdlib cimport free, malloc

from derbes.scanner.engine.marks cimport _MarkSink


cdef extern from "hs/hs.h":
    ctypedef struct hs_database_t:
        pass
    ctypedef struct hs_scratch_t:
        pass
    ctypedef struct hs_compile_error_t:
        char *message
        int expression
    ctypedef int (*match_event_handler)(unsigned int id, unsigned long long start,
                                        unsigned long long to, unsigned int flags,
                                        void *context) noexcept
    int hs_compile_multi(const char *const *expressions, const unsigned int *flags,
                         const unsigned int *ids, unsigned int elements, unsigned int mode,
                         const void *platform, hs_database_t **db,
                         hs_compile_error_t **error)
    int hs_free_compile_error(hs_compile_error_t *error)
    int hs_free_database(hs_database_t *db)
    int hs_serialize_database(const hs_database_t *db, char **bytes, size_t *length)
    int hs_deserialize_database(const char *bytes, size_t length, hs_database_t **db)
    int hs_alloc_scratch(const hs_database_t *db, hs_scratch_t **scratch)
    int hs_free_scratch(hs_scratch_t *scratch)
    int hs_scan(const hs_database_t *db, const char *data, unsigned int length,
                unsigned int flags, hs_scratch_t *scratch, match_event_handler onEvent,
                void *context)
    const char *hs_version()
    ctypedef struct hs_platform_info_t:
        unsigned int tune
        unsigned long long cpu_features
    int hs_populate_platform(hs_platform_info_t *platform)
    int HS_SUCCESS
    int HS_SCAN_TERMINATED
    int HS_MODE_BLOCK


class NativeError(Exception):
    """The system Hyperscan refused an expression or a serialized database, or failed."""


def version() -> str:
    """The system Hyperscan's version string (``5.4.0 2021-01-26``)."""
    return hs_version().decode("ascii", "replace")


def platform() -> str:
    """The processor this process runs on, as Hyperscan tunes a compile for it: a database
    compiled for one (wider vector instructions) runs slower elsewhere, or not at all, so the
    cache keys name it (under valgrind the features read are fewer: not the machine's)."""
    cdef hs_platform_info_t info
    if hs_populate_platform(&info) != HS_SUCCESS:
        return "unknown"
    return f"tune {info.tune} features {info.cpu_features:#x}"


cdef class _Scan:
    """One scan's context, for the match handler: the sink, and what it raised."""
    cdef _MarkSink sink
    cdef object error


cdef int _on_match(unsigned int pid, unsigned long long start, unsigned long long to,
                   unsigned int flags, void *context) noexcept:
    # Called by hs_scan, which runs in this thread with the GIL held (scan() keeps it).
    cdef _Scan scan = <_Scan>context
    try:
        if scan.sink._match(pid, <Py_ssize_t>to + scan.sink.base) is True:
            return 1  # a flood: stop (fastpath's _marks rescans the unit)
    except BaseException as error:  # noqa: BLE001 - raised again by scan()
        scan.error = error
        return 1
    return 0


cdef class NativeDatabase:
    """A block-mode database of the system Hyperscan, and the scratch of each thread that
    scans with it (``scratch()``)."""

    cdef hs_database_t *db

    def __cinit__(self):
        self.db = NULL

    def __dealloc__(self):
        if self.db is not NULL:
            hs_free_database(self.db)

    @staticmethod
    def compile(expressions, ids, flags) -> NativeDatabase:
        """``expressions`` (bytes) with ``ids``, each compiled with ``flags``. Raises
        :class:`NativeError` naming the first expression refused."""
        cdef Py_ssize_t n = len(expressions), k
        if n != len(ids) or n == 0:
            raise ValueError("as many ids as expressions, one at least")
        held = [bytes(expression) for expression in expressions]  # NUL-terminated in C
        for expression in held:
            if b"\0" in expression:
                raise NativeError("an expression holds a NUL byte")
        cdef const char **texts = <const char **>malloc(n * sizeof(char *))
        cdef unsigned int *each_flags = <unsigned int *>malloc(n * sizeof(unsigned int))
        cdef unsigned int *each_id = <unsigned int *>malloc(n * sizeof(unsigned int))
        cdef hs_compile_error_t *error = NULL
        cdef NativeDatabase out = NativeDatabase.__new__(NativeDatabase)
        cdef int status
        if texts is NULL or each_flags is NULL or each_id is NULL:
            free(texts)
            free(each_flags)
            free(each_id)
            raise MemoryError()
        try:
            for k in range(n):
                texts[k] = held[k]
                each_flags[k] = flags
                each_id[k] = ids[k]
            status = hs_compile_multi(texts, each_flags, each_id, n, HS_MODE_BLOCK, NULL,
                                      &out.db, &error)
        finally:
            free(texts)
            free(each_flags)
            free(each_id)
        if status != HS_SUCCESS:
            message = "compile failed"
            if error is not NULL:
                message = f"{error.message.decode('utf-8', 'replace')} " \
                          f"(expression {error.expression})"
                hs_free_compile_error(error)
            raise NativeError(message)
        return out

    @staticmethod
    def deserialize(bytes data) -> NativeDatabase:
        """A database from :meth:`serialize`'s bytes (of this library's version)."""
        cdef NativeDatabase out = NativeDatabase.__new__(NativeDatabase)
        if hs_deserialize_database(data, len(data), &out.db) != HS_SUCCESS:
            out.db = NULL
            raise NativeError("not a database of this Hyperscan")
        return out

    def serialize(self) -> bytes:
        cdef char *data = NULL
        cdef size_t length = 0
        if hs_serialize_database(self.db, &data, &length) != HS_SUCCESS:
            raise NativeError("serialize failed")
        try:
            return data[:length]
        finally:
            free(data)

    def scratch(self) -> NativeScratch:
        """Scratch space for one thread's scans (a scratch serves one scan at a time)."""
        cdef NativeScratch out = NativeScratch.__new__(NativeScratch)
        if hs_alloc_scratch(self.db, &out.scratch) != HS_SUCCESS:
            out.scratch = NULL
            raise MemoryError("Hyperscan scratch")
        return out

    def scan(self, bytes data not None, Py_ssize_t lo, Py_ssize_t hi,
             _MarkSink sink not None, NativeScratch scratch not None) -> bool:
        """Scan ``data[lo:hi]`` into ``sink`` (offsets reported from ``sink.base``, which the
        caller sets to ``lo``). True when the sink stopped the scan (a flood)."""
        if not 0 <= lo <= hi <= len(data):
            raise ValueError("scan bounds outside the data")
        if hi - lo > 0xFFFFFFFF:
            raise ValueError("a scan of more than 4 GiB")
        if scratch.scratch is NULL:
            raise ValueError("no scratch")
        cdef _Scan context = _Scan.__new__(_Scan)
        context.sink = sink
        context.error = None
        cdef const char *start = data
        cdef int status = hs_scan(self.db, start + lo, <unsigned int>(hi - lo), 0,
                                  scratch.scratch, _on_match, <void *>context)
        if context.error is not None:
            raise context.error
        if status == HS_SCAN_TERMINATED:
            return True
        if status != HS_SUCCESS:
            raise NativeError(f"scan failed ({status})")
        return False


cdef class NativeScratch:
    cdef hs_scratch_t *scratch

    def __cinit__(self):
        self.scratch = NULL

    def __dealloc__(self):
        if self.scratch is not NULL:
            hs_free_scratch(self.scratch)
