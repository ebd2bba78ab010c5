# C types for the keys of log fields (logfields.py) when Cython compiles it (an augmenting
# .pxd: the .py stays plain Python, and runs as such where nothing is compiled).
cimport cython

@cython.locals(text=str, c=Py_UCS4, eq=Py_ssize_t, window=Py_ssize_t, first=Py_ssize_t,
               key_start=Py_ssize_t)
cpdef object key_before(object line, Py_ssize_t start)

@cython.locals(k=Py_ssize_t, c=Py_UCS4)
cpdef Py_ssize_t _key_start(str line, Py_ssize_t eq, Py_ssize_t first) except -1

@cython.locals(c=Py_UCS4)
cpdef bint _key_first(str line, Py_ssize_t at) except -1

@cython.locals(k=Py_ssize_t, b=Py_UCS4)
cpdef bint quote_before_colon(str line, Py_ssize_t start) except -1
