# C types for the name starts of person_name.py when Cython compiles it (an augmenting .pxd:
# the .py stays plain Python, and runs as such where nothing is compiled).
cimport cython

from cpython.unicode cimport PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ

cdef bint _IN_PLACE

@cython.locals(word=bint, i=Py_ssize_t, n=Py_ssize_t, c=Py_UCS4, code=Py_UCS4, kind=int,
               data="void *")
cpdef list _name_starts(str text)

cdef bint _may_follow_unknown(Py_UCS4 c) noexcept

@cython.locals(end=Py_ssize_t, i=Py_ssize_t)
cpdef list _matches_at(object rx, object text, list starts)

@cython.locals(n=Py_ssize_t, i=Py_ssize_t)
cpdef bint _initial_at_a_start(str text, list starts) except -1

@cython.locals(code=Py_UCS4)
cpdef bint _is_capital(Py_UCS4 c) noexcept

@cython.locals(code=Py_UCS4)
cpdef bint _is_letter(Py_UCS4 c) noexcept

@cython.locals(code=Py_UCS4)
cpdef bint _is_word_char(Py_UCS4 c) noexcept

@cython.locals(j=Py_ssize_t, k=Py_ssize_t)
cdef Py_ssize_t _word_end(str text, Py_ssize_t i, Py_ssize_t n) except -2

@cython.locals(j=Py_ssize_t)
cdef Py_ssize_t _part_end(str text, Py_ssize_t i, Py_ssize_t n) except -2

@cython.locals(hyphen=Py_ssize_t, j=Py_ssize_t)
cdef Py_ssize_t _end_before_unknown(str text, Py_ssize_t start, Py_ssize_t end) except -2

@cython.locals(n=Py_ssize_t, end=Py_ssize_t, i=Py_ssize_t, at=Py_ssize_t, stop=Py_ssize_t,
               words=list, last=Py_ssize_t)
cpdef list _runs(str text, list starts)
