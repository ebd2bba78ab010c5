# C types for the timestamp scanner of timestamps.py when Cython compiles it (an augmenting
# .pxd: the .py stays plain Python, and runs as such where nothing is compiled).
cimport cython
# A line's characters read in place (compiled only): its kind and data, then each character.
from cpython.unicode cimport PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ

cdef bint _IN_PLACE

@cython.locals(span=Py_ssize_t, start=Py_ssize_t, end=Py_ssize_t, key=str, last=tuple)
cpdef object _by_scanner(str line, object cut)

cdef tuple _LAST_SPAN

@cython.locals(n=Py_ssize_t, i=Py_ssize_t, c=Py_UCS4, end=Py_ssize_t, kind=int, data="void *")
cdef Py_ssize_t _span(str line)

cdef bint _digit(Py_UCS4 c)
cdef bint _hms_at(str line, Py_ssize_t i)

@cython.locals(c=Py_UCS4)
cdef bint _iso_at(str line, Py_ssize_t i, Py_UCS4 sep)

@cython.locals(c=Py_UCS4)
cdef bint _dmy_at(str line, Py_ssize_t i)

cdef bint _clf_at(str line, Py_ssize_t i)
cdef bint _hdfs_at(str line)
cdef bint _healthapp_at(str line, Py_ssize_t i)
cdef bint _logcat_at(str line, Py_ssize_t i)
cdef bint _proxifier_at(str line, Py_ssize_t i)

@cython.locals(c=Py_UCS4, at=Py_ssize_t, digits=Py_ssize_t)
cdef Py_ssize_t _asctime_end(str line, Py_ssize_t i, Py_ssize_t n)

@cython.locals(c=Py_UCS4, at=Py_ssize_t)
cdef Py_ssize_t _bsd_end(str line, Py_ssize_t i, Py_ssize_t n)

@cython.locals(c=Py_UCS4, year=long, month=long, day=long, hour=long, minute=long,
               second=long, at=Py_ssize_t, step=Py_ssize_t, length=Py_ssize_t)
cdef object _from_span(str line, Py_ssize_t start, Py_ssize_t end, object cut)

@cython.locals(buf="char[19]")
cpdef str iso(long year, long month, long day, long hour, long minute, long second)

cdef void _two_digits(char* buf, Py_ssize_t at, long value) noexcept

@cython.locals(value=long, k=Py_ssize_t, kind=int, data="void *")
cdef long _number(str text, Py_ssize_t i, Py_ssize_t digits)

@cython.locals(c=Py_UCS4)
cdef long _day(str line, Py_ssize_t i)

@cython.locals(a=Py_UCS4, b=Py_UCS4, c=Py_UCS4)
cdef long _month(str line, Py_ssize_t i)
cdef long _last_day(long month)
cpdef bint _leap(long year)
