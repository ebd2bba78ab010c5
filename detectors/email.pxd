# C types for the address checks of email.py when Cython compiles it (an augmenting .pxd: the
# .py stays plain Python, and runs as such where nothing is compiled).
cimport cython
# A line's characters read in place (_local_part_start, compiled only).
from cpython.unicode cimport PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ

cdef bint _IN_PLACE
cdef bytes _LOCAL_TABLE

@cython.locals(start=Py_ssize_t, kind=int, data="void *", c=Py_ssize_t, table=bytes)
cpdef Py_ssize_t _local_part_start(str text, Py_ssize_t at, Py_ssize_t pos)

@cython.locals(run=Py_ssize_t, c=Py_UCS4)
cpdef bint _eight_digits(str text)

@cython.locals(before=Py_UCS4)
cpdef bint _after_url_user(str text, Py_ssize_t at)
