# C types for lines.py when Cython compiles it (an augmenting .pxd: the .py stays plain
# Python, and runs as such where nothing is compiled).
cimport cython
from libc.string cimport memchr

# Where the first newline of data[i:end] is, or end: libc's memchr. Only here, in C (the
# .py calls it on its compiled path only).
cdef inline Py_ssize_t _next_newline(
        const unsigned char *data, Py_ssize_t i, Py_ssize_t end) noexcept nogil:
    cdef const unsigned char *found
    if i >= end:
        return end
    found = <const unsigned char *> memchr(data + i, 10, <size_t> (end - i))
    return end if found == NULL else found - data

@cython.locals(data="const unsigned char *", n=Py_ssize_t, i=Py_ssize_t)
cpdef Py_ssize_t count_newlines(bytes buf, Py_ssize_t end) except -1
