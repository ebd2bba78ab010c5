# C types for iban.py when Cython compiles it (an augmenting .pxd: the .py stays plain Python,
# and runs as such where nothing is compiled).
cimport cython

@cython.locals(n=Py_ssize_t, i=Py_ssize_t, c=long, remainder=long)
cpdef long _mod_97(str number) except -1
