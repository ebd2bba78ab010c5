# C types for the context window lookup of base.py when Cython compiles it (an augmenting
# .pxd: the .py stays plain Python, and runs as such where nothing is compiled).
cimport cython

cpdef object _after_context(object r, object verdict, object score, object pattern_name)

cpdef str _with_digits_made_one(str text, bytes table)

@cython.locals(ch=Py_UCS4, c=long)
cpdef bint _letterless_ascii(str text)

cdef class _ContextWindows:
    cdef public object rx
    cdef public Py_ssize_t width
    cdef public dict verdicts
    cdef public bint letters
    cdef public bytes digits
    cdef public unsigned long long cuts_low, cuts_high

    @cython.locals(lo=Py_ssize_t, window=str, verdicts=dict)
    cpdef object verdict(self, str text, Py_ssize_t start)

    @cython.locals(low="unsigned long long", high="unsigned long long", end=Py_ssize_t,
                   at=Py_ssize_t, c=long)
    cpdef object pieces_verdict(self, str text)

    @cython.locals(general=str, verdicts=dict)
    cdef object _piece_verdict(self, str piece)

    cdef void _keep(self, str text, object verdict) except *

# A string's characters read in place (run_matches, compiled only).
from cpython.unicode cimport PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ

cdef bint _IN_PLACE

@cython.locals(n=Py_ssize_t, i=Py_ssize_t, j=Py_ssize_t, pos=Py_ssize_t, kind=int,
               data="void *", code=long, any_first=bint, starts=bint)
cpdef list run_matches(object rx, str text, unsigned long long low, unsigned long long high,
                       Py_ssize_t shortest, Py_ssize_t longest, bint once=*,
                       unsigned long long first_low=*, unsigned long long first_high=*)

cpdef bint _in_masks(long code, unsigned long long low, unsigned long long high) noexcept
