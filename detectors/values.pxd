# C types for values.py when Cython compiles it (an augmenting .pxd: the .py stays plain
# Python, and runs as such where nothing is compiled).
cimport cython

cdef bint _COMPILED

@cython.locals(text=str, c=Py_UCS4)
cpdef object compact_lower(object value)
