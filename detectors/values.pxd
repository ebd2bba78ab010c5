# C types for values.py when Cython compiles it (an augmenting .pxd: the .py stays plain
# Python, and runs as such where nothing is compiled).
cimport cython

cdef bint _COMPILED

@cython.locals(text=str, c=Py_UCS4)
cpdef object compact_lower(object value)

@cython.locals(text=str, c=Py_UCS4, n=Py_ssize_t, buf="char[64]")
cpdef str hex_digits(object value)

@cython.locals(text=str, c=Py_UCS4, n=Py_ssize_t, buf="char[64]")
cpdef str ascii_digits(object value)

cpdef object digits(object value)

@cython.locals(text=str, c=Py_UCS4, n=Py_ssize_t, alnum=Py_ssize_t, hide=Py_ssize_t,
               buf="char[64]")
cpdef str last_digits(object value, Py_ssize_t keep)
