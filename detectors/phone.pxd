# C types for the digit copy of phone.py when Cython compiles it (an augmenting .pxd: the .py
# stays plain Python, and runs as such where nothing is compiled).
cimport cython

@cython.locals(n=Py_ssize_t, c=Py_UCS4, buf="char[64]", text=str)
cpdef str ascii_digits(object value)
