# C types for the address checks of email.py when Cython compiles it (an augmenting .pxd: the
# .py stays plain Python, and runs as such where nothing is compiled).
cimport cython

@cython.locals(run=Py_ssize_t, c=Py_UCS4)
cpdef bint _eight_digits(str text)

@cython.locals(before=Py_UCS4)
cpdef bint _after_url_user(str text, Py_ssize_t at)
