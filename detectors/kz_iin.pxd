# C types for kz_iin.py when Cython compiles it (an augmenting .pxd: the .py stays plain
# Python, and runs as such where nothing is compiled).
cimport cython

@cython.locals(first=long, second=long, i=Py_ssize_t, d=long, check=long)
cpdef object kz_check_digit(str digits)

@cython.locals(kind=long, year=long, month=long, day=long, leap=bint)
cpdef bint iin_date_ok(str iin) except -1
