# C types for the checks of credit_card.py when Cython compiles it (an augmenting .pxd: the
# .py stays plain Python, and runs as such where nothing is compiled).
cimport cython

@cython.locals(lead=long, size=Py_ssize_t, width=Py_ssize_t, first=long)
cpdef bint card_scheme_ok(str digits) except -1

@cython.locals(size=Py_ssize_t, total=long, k=Py_ssize_t, c=Py_UCS4, d=long)
cpdef bint luhn_is_valid(str digits)
