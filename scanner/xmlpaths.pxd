# C types for the XML reader of xmlpaths.py when Cython compiles it (an augmenting .pxd: the
# .py stays plain Python, and runs as such where nothing is compiled).
cimport cython


cdef class XmlStack:
    cdef public list names
    cdef public list segments
    cdef public list named
    cdef public list opened
    cdef public Py_ssize_t line
    cdef public bint html


@cython.locals(carried=Py_ssize_t, reach=Py_ssize_t, at=Py_ssize_t, size=Py_ssize_t,
               text_from=Py_ssize_t, depth=Py_ssize_t, dropped=Py_ssize_t, offset=Py_ssize_t,
               start=Py_ssize_t, end=Py_ssize_t, html=bint, wrapper=bint)
cpdef list value_spans(str line, XmlStack stack=*)

# The helpers, called in C (a Python call each was a third of a line's reading); Python
# cannot call these compiled, nor needs to.
cdef Py_ssize_t _push(XmlStack stack, str name, object segment, bint named) except -1

cdef object _naming(str name, list attributes, str tag)

@cython.locals(start=Py_ssize_t, end=Py_ssize_t)
cdef int _text(str line, Py_ssize_t start, Py_ssize_t end, list segments, Py_ssize_t reach,
               Py_ssize_t carried, list spans) except -1

cdef str _path(list segments, Py_ssize_t reach, Py_ssize_t carried)

cdef str _local(str name)
