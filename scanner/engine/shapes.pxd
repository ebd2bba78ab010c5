# C types for the shape reader of shapes.py when Cython compiles it (an augmenting .pxd: the .py
# stays plain Python, and runs as such where nothing is compiled).
cimport cython

cdef long _CARD, _IIN, _BIN, _IMEI, _IBAN
cdef dict _BITS

cpdef list shapes_in(str text, long mask)

@cython.locals(mask=long, bit=long, unread=bint, found=list, out=list, kind=long,
               start=Py_ssize_t, end=Py_ssize_t)
cpdef list scan(str text, object entities)

@cython.locals(found=list, n=Py_ssize_t, i=Py_ssize_t, c=Py_UCS4, before=int, end=Py_ssize_t,
               card_from=Py_ssize_t, imei_from=Py_ssize_t, iban_from=Py_ssize_t, numbers=long,
               after=Py_ssize_t, run=Py_ssize_t, separated=bint)
cdef list _scan(str text, long mask)

cdef bint _digit(Py_UCS4 c)

@cython.locals(c=Py_UCS4)
cdef bint _alnum_at(str text, Py_ssize_t i, Py_ssize_t n)

@cython.locals(c=Py_UCS4, d=Py_UCS4)
cdef bint _month_at(str text, Py_ssize_t i)

@cython.locals(c=Py_UCS4, d=Py_UCS4, k=Py_ssize_t)
cdef Py_ssize_t _iin_end(str text, Py_ssize_t i, Py_ssize_t n)

@cython.locals(k=Py_ssize_t)
cdef Py_ssize_t _bin_end(str text, Py_ssize_t i, Py_ssize_t n)

@cython.locals(j=Py_ssize_t, count=Py_ssize_t)
cdef Py_ssize_t _imei_end(str text, Py_ssize_t i, Py_ssize_t n)

@cython.locals(end=Py_ssize_t, j=Py_ssize_t, count=Py_ssize_t)
cdef Py_ssize_t _card_end(str text, Py_ssize_t i, Py_ssize_t n)

@cython.locals(end=Py_ssize_t, j=Py_ssize_t, count=Py_ssize_t, c=Py_UCS4)
cdef Py_ssize_t _iban_end(str text, Py_ssize_t i, Py_ssize_t n)
