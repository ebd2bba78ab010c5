# C types for evidence.py's count of a column's values when Cython compiles it (an augmenting
# .pxd: the .py stays plain Python, and runs as such where nothing is compiled).
cimport cython

@cython.locals(v=str, size=Py_ssize_t)
cpdef bint is_not_data(str value)

cdef bint _masked(str v)

@cython.locals(digit=bint, letter=bint, c=Py_UCS4)
cpdef bint _opaque(str v)

@cython.locals(seen=dict, nonempty=Py_ssize_t, not_data=Py_ssize_t, known=object, value=object,
               width=Py_ssize_t, mask=long)
cdef tuple _add(dict shaped, list values, bint integer)

@cython.locals(entities=dict, bit=long, start=Py_ssize_t, end=Py_ssize_t, bucket=set)
cdef void _read_shapes(dict shaped, object reader, str text, long mask)
