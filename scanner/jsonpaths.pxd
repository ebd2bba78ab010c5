# C types for the JSON line reader of jsonpaths.py when Cython compiles it (an augmenting
# .pxd: the .py stays plain Python, and runs as such where nothing is compiled).
cimport cython


cdef class JsonReading:
    cdef public list paths
    cdef public Py_ssize_t dropped
    cdef public list kinds
    cdef public bint expecting_key
    cdef public object key


cdef list _value_spans(str line, object stop, Py_ssize_t start)

@cython.locals(j=Py_ssize_t, n=Py_ssize_t, c=Py_UCS4, dropped=Py_ssize_t, expecting_key=bint,
               paths=list, kinds=list)
cdef void _read(str line, Py_ssize_t i, Py_ssize_t limit, JsonReading reading, list spans) except *

@cython.locals(j=Py_ssize_t, k=Py_ssize_t)
cdef Py_ssize_t _string_end(str line, Py_ssize_t i)

@cython.locals(lo=Py_ssize_t, hi=Py_ssize_t, mid=Py_ssize_t, at=Py_ssize_t, s=Py_ssize_t,
               e=Py_ssize_t)
cpdef object field_at(list spans, Py_ssize_t start, Py_ssize_t end)

# The path of each token, built in C calls (a Python call each was a third of a JSON line's
# reading); Python cannot call these compiled, nor needs to.
cdef str _component(str kind, object key)
cdef str _join(str parent, str part)
cdef str _path(list paths, Py_ssize_t dropped, list kinds, object key)
cdef str _unescape(str raw)
