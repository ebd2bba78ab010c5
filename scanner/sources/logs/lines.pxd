# C types for lines.py when Cython compiles it (an augmenting .pxd: the .py stays plain
# Python, and runs as such where nothing is compiled).
cimport cython
from libc.stdint cimport uint64_t
from libc.string cimport memchr, memcpy

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

# Where the first byte that is not ASCII is in data[i:n], or n: eight bytes a step while
# they are all ASCII, then one at a time.
cdef inline Py_ssize_t _ascii_end(const unsigned char *data, Py_ssize_t i,
                                  Py_ssize_t n) noexcept nogil:
    cdef uint64_t word
    while i + 8 <= n:
        memcpy(&word, data + i, 8)
        if word & <uint64_t> 0x8080808080808080:
            break
        i += 8
    while i < n and data[i] < 0x80:
        i += 1
    return i

# Where the first byte that begins no well-formed UTF-8 sequence is in data[:n], or -1: the
# ranges of table 3-7 of the Unicode Standard, as Python's strict decoder applies them (an
# error starts at the byte whose sequence fails). ASCII is skipped eight bytes a step.
cdef inline Py_ssize_t _utf8_error(const unsigned char *data, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i = 0
    cdef Py_ssize_t k, need
    cdef unsigned char c, lo, hi
    while True:
        i = _ascii_end(data, i, n)
        if i >= n:
            return -1
        c = data[i]
        lo = 0x80
        hi = 0xBF
        if 0xC2 <= c <= 0xDF:
            need = 1
        elif c == 0xE0:
            need = 2
            lo = 0xA0
        elif 0xE1 <= c <= 0xEC or c == 0xEE or c == 0xEF:
            need = 2
        elif c == 0xED:
            need = 2
            hi = 0x9F
        elif c == 0xF0:
            need = 3
            lo = 0x90
        elif 0xF1 <= c <= 0xF3:
            need = 3
        elif c == 0xF4:
            need = 3
            hi = 0x8F
        else:
            return i
        if i + 1 >= n or data[i + 1] < lo or data[i + 1] > hi:
            return i
        for k in range(2, need + 1):
            if i + k >= n or data[i + k] < 0x80 or data[i + k] > 0xBF:
                return i
        i += need + 1

cpdef Py_ssize_t first_invalid_utf8(bytes data) except -2

# encoding.batch_marks in one pass: 1 where a byte only a Kazakh letter of KZ-1048 uses is
# (the bits of _KAZAKH_BYTES, from 0x80), 2 where a Cyrillic letter in UTF-8 (0xD0-0xD3 and
# a continuation byte) follows a continuation byte. ASCII is skipped eight bytes a step.
cdef inline int _code_page_marks(const unsigned char *data, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i = 0
    cdef int marks = 0
    cdef unsigned char c
    cdef uint64_t kazakh = 0xf410842e60006000ULL
    while True:
        i = _ascii_end(data, i, n)
        if i >= n:
            return marks
        c = data[i]
        if c <= 0xBF:
            if (kazakh >> (c - 0x80)) & 1:
                marks |= 1
            if i + 2 < n and 0xD0 <= data[i + 1] <= 0xD3 and 0x80 <= data[i + 2] <= 0xBF:
                marks |= 2
            if marks == 3:
                return 3
        i += 1

cpdef int code_page_marks(bytes data) except -1
