# C types for the name starts of person_name.py when Cython compiles it (an augmenting .pxd:
# the .py stays plain Python, and runs as such where nothing is compiled).
cimport cython

@cython.locals(word=bint, i=Py_ssize_t, c=Py_UCS4, code=Py_UCS4)
cpdef list _name_starts(str text)

@cython.locals(end=Py_ssize_t, i=Py_ssize_t)
cpdef list _matches_at(object rx, object text, list starts)
