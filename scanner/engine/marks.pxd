# C types for the match sink of marks.py when Cython compiles it (an augmenting .pxd: the .py
# stays plain Python, and runs as such where nothing is compiled). hsnative.pyx cimports the
# sink and calls its _match in C.
cimport cython

cdef class _MarkSink:
    cdef public list marks
    cdef list bits, again, trigger_kinds
    cdef public object triggered
    cdef bytes data
    cdef Py_ssize_t size
    cdef readonly object starts
    cdef public Py_ssize_t index, lo, hi, hits, base, end
    cdef public object mask, union
    cdef Py_ssize_t counted_index, counted_start
    cdef Py_ssize_t twin, twin_other
    cdef Py_ssize_t check_iin, check_bin
    cdef list shapes
    cdef public bint passed_iin, passed_bin
    cdef bint unit_checked
    cdef Py_ssize_t first_trigger, flood

    @cython.locals(bit=object, lines=list)
    cdef object _match(self, Py_ssize_t pid, Py_ssize_t to)

    @cython.locals(last=Py_ssize_t, newlines=Py_ssize_t, lo=Py_ssize_t, hi=Py_ssize_t,
                   starts=list, mask=object)
    cdef object _enter(self, Py_ssize_t to)

    @cython.locals(iin=bint)
    cdef object _check(self, Py_ssize_t pid, Py_ssize_t to)

    cdef object _settled(self, object mask)

    @cython.locals(bit=object)
    cdef object _shape_only(self, object mask, Py_ssize_t pid)

cpdef object _on_match(Py_ssize_t pid, object _start, Py_ssize_t to, object _flags,
                       _MarkSink sink)

# The bytes as C bytes: the loops over them are C loops (the caller keeps them alive).
@cython.locals(newlines=Py_ssize_t, lo=Py_ssize_t, i=Py_ssize_t)
cpdef (Py_ssize_t, Py_ssize_t, Py_ssize_t) _read_line(
    const unsigned char *data, Py_ssize_t start, Py_ssize_t at, Py_ssize_t size) noexcept


# Where the first newline of data[i:end] is, or end: libc's memchr, in C (the .py calls it
# on its compiled path only). The line reader's own (lines.pxd).
from derbes.scanner.sources.logs.lines cimport _next_newline

# ``end`` ends a match of twelve digits and more: the bytes read lie inside ``data``.
cpdef bint _first_twin(const unsigned char *data, Py_ssize_t end) noexcept

@cython.locals(last=Py_ssize_t)
cpdef Py_ssize_t _digits_end(const unsigned char *data, Py_ssize_t end) noexcept

