# C types for the piece reader of decoding.py when Cython compiles it (an augmenting .pxd: the
# .py stays plain Python, and runs as such where nothing is compiled).
cimport cython

# A line's characters read in place (read_pieces, compiled only).
from cpython.unicode cimport PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ

cdef bint _IN_PLACE

@cython.locals(out=list, n=Py_ssize_t, i=Py_ssize_t, end=Py_ssize_t, c=Py_UCS4, group=str,
               kind=int, data="void *", before=Py_UCS4)
cpdef list read_pieces(str line)

@cython.locals(end=Py_ssize_t, at=Py_ssize_t, k=Py_ssize_t)
cdef Py_ssize_t _run_end(str line, Py_ssize_t i, Py_ssize_t n, Py_UCS4 mark, Py_ssize_t width)

@cython.locals(j=Py_ssize_t, runs=Py_ssize_t)
cdef Py_ssize_t _plus_end(str line, Py_ssize_t i, Py_ssize_t n)

@cython.locals(j=Py_ssize_t)
cdef Py_ssize_t _digits_end(str line, Py_ssize_t i, Py_ssize_t n)

cdef bint _hex(Py_UCS4 c)

cdef str _odd_kind(Py_UCS4 c)

cpdef list piece_spans(str line)

cdef object _decode_piece(str kind, str raw)

@cython.locals(out=list, marks=list, pos=Py_ssize_t, size=Py_ssize_t, changed=bint,
               start=Py_ssize_t, end=Py_ssize_t, code=int, kind=str)
cdef object _decode(str line)

cdef str _one_for_one(str kind, str line, Py_ssize_t start, Py_ssize_t end)

cdef int _byte(str line, Py_ssize_t at) except -1

cdef int _hex_value(Py_UCS4 c) noexcept

cdef bint _kept_byte(int code) noexcept

@cython.locals(lo=Py_ssize_t, hi=Py_ssize_t, mid=Py_ssize_t, key=Py_ssize_t,
               decoded=Py_ssize_t, raw=Py_ssize_t)
cpdef Py_ssize_t _raw_offset(tuple marks, Py_ssize_t offset)
