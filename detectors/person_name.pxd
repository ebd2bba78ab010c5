# C types for the name starts of person_name.py when Cython compiles it (an augmenting .pxd:
# the .py stays plain Python, and runs as such where nothing is compiled).
cimport cython

from cpython.unicode cimport PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ

cdef bint _IN_PLACE

@cython.locals(word=bint, i=Py_ssize_t, c=Py_UCS4, code=Py_UCS4, kind=int, data="void *")
cpdef list _name_starts(str text)

@cython.locals(end=Py_ssize_t, i=Py_ssize_t)
cpdef list _matches_at(object rx, object text, list starts)
