# C types for the dotted-quad scanner of ip_address.py when Cython compiles it (an augmenting
# .pxd: the .py stays plain Python, and runs as such where nothing is compiled).
cimport cython
# A string's characters read in place (compiled only): its kind and data, then each character;
# the bytes of a line of Latin-1 characters (_may_hold_label).
from cpython.unicode cimport (
    PyUnicode_1BYTE_DATA, PyUnicode_1BYTE_KIND, PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ,
)

cdef bint _IN_PLACE

@cython.locals(n=Py_ssize_t, dot=Py_ssize_t, start=Py_ssize_t, end=Py_ssize_t,
               c=Py_UCS4, slash=bint)
cdef list _scan_ipv4(str text, bint once)

@cython.locals(octet=int, digits=int, c=Py_UCS4, kind=int, data="void *")
cdef Py_ssize_t _quad_end(str text, Py_ssize_t i, Py_ssize_t n)

@cython.locals(octet=int, value=int, first=Py_ssize_t, c=long, lead=long, kind=int,
               data="void *")
cdef bint _host_quad(str text, Py_ssize_t i, Py_ssize_t end)

cdef bint _word(Py_UCS4 c)
cdef bint _word_or_dot(Py_UCS4 c)
cdef bint _letter_or_underscore(Py_UCS4 c)

@cython.locals(before=Py_UCS4)
cdef bint _kept(str text, Py_ssize_t start, Py_ssize_t end)

cdef bint _word_char(Py_UCS4 c)

@cython.locals(lo=Py_ssize_t, begin=Py_ssize_t, key=str, found=object)
cpdef bint _product_version(str text, Py_ssize_t start)

cdef dict _PRODUCTS_SEEN

cdef bint _product_at(str text, Py_ssize_t begin, Py_ssize_t start, bint dotted)

@cython.locals(lo=Py_ssize_t, pos=Py_ssize_t, run_end=Py_ssize_t, before=Py_UCS4)
cpdef bint _labelled_version(str text, Py_ssize_t start)

cdef bint _has_latin_label(str lowered)


@cython.locals(i=Py_ssize_t, c=cython.uchar, data=cython.p_uchar)
cdef bint _may_hold_label(str text, Py_ssize_t lo, Py_ssize_t end)

@cython.locals(k=Py_ssize_t)
cdef bint _ascii_word_at(const unsigned char *data, Py_ssize_t i, Py_ssize_t end,
                         const unsigned char *word, Py_ssize_t n) noexcept

cdef bint _hex(Py_UCS4 c)

@cython.locals(start=Py_ssize_t, end=Py_ssize_t, n=Py_ssize_t, colons=Py_ssize_t,
               k=Py_ssize_t, c=Py_UCS4)
cpdef Py_ssize_t _ipv6_start(str text, Py_ssize_t colon, Py_ssize_t pos)

@cython.locals(out=list, pos=Py_ssize_t, at=Py_ssize_t, start=Py_ssize_t)
cdef list _ipv6_matches(object rx, str text, bint once)

@cython.locals(n=Py_ssize_t, count=Py_ssize_t, lo=Py_ssize_t, i=Py_ssize_t, k=Py_ssize_t,
               last=Py_ssize_t, dotted=bint, tail_high=long, tail_low=long, octets=int,
               octet=long, digits=int, lead=bint, c=Py_UCS4, groups_of_parts=Py_ssize_t,
               skip=Py_ssize_t, head=Py_ssize_t, tail=Py_ssize_t, zeros=Py_ssize_t,
               tail_from=Py_ssize_t, at=Py_ssize_t, group=long, first=long,
               zero_before_last=bint, starts="Py_ssize_t[11]", ends="Py_ssize_t[11]",
               groups="long[8]")
cdef bint _ipv6_read(str value, bint judge) except -1

@cython.locals(i=Py_ssize_t, group=long, c=Py_UCS4)
cdef long _group(str value, Py_ssize_t lo, Py_ssize_t hi) except -2
