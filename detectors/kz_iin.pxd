# C types for kz_iin.py when Cython compiles it (an augmenting .pxd: the .py stays plain
# Python, and runs as such where nothing is compiled).
cimport cython

@cython.locals(first=long, second=long, i=Py_ssize_t, d=long, check=long)
cpdef object kz_check_digit(str digits)

cpdef bint iin_date_ok(str iin) except -1

@cython.locals(first=long, second=long, i=Py_ssize_t, d=long)
cpdef bint twelve_digits_pass(const unsigned char *data, Py_ssize_t at, bint iin) noexcept

@cython.locals(check=long)
cdef long _check_of(long first, long second) noexcept

@cython.locals(year=long, leap=bint)
cdef bint _date_ok(long kind, long yy, long month, long day) noexcept
