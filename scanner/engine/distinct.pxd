# C types for the union of packed digest sets in distinct.py when Cython compiles it (an
# augmenting .pxd: the .py stays plain Python, and runs as such where nothing is compiled).
cimport cython

@cython.locals(la=Py_ssize_t, lb=Py_ssize_t, i=Py_ssize_t, j=Py_ssize_t, n=Py_ssize_t,
               k=Py_ssize_t, size=Py_ssize_t, out=bytearray, pa="const unsigned char *",
               pb="const unsigned char *", po="unsigned char *")
cpdef bytes _merged(bytes a, bytes b)

# The digest's first 8 bytes read in C (the caller keeps the bytes alive; a digest has 16).
@cython.locals(value="unsigned long long", k=Py_ssize_t)
cpdef long long _item(const unsigned char *digest)

# Digests sorted as pairs of C integers (pack, compiled only).
@cython.locals(n=Py_ssize_t, k=Py_ssize_t, b=Py_ssize_t, c=Py_ssize_t, o=Py_ssize_t,
               bits=Py_ssize_t, shift=Py_ssize_t, size=Py_ssize_t,
               h="unsigned long long", v="unsigned long long", at="const unsigned char *",
               hi="unsigned long long[:]", lo="unsigned long long[:]",
               to_hi="unsigned long long[:]", to_lo="unsigned long long[:]",
               starts="long long[:]")
cpdef object _sorted_once(object digests)

cdef Py_ssize_t _BUCKET, _IN_C_FROM

@cython.locals(k=Py_ssize_t, b=Py_ssize_t, c=Py_ssize_t, o=Py_ssize_t, m=Py_ssize_t,
               total=Py_ssize_t, to_hi="unsigned long long[:]", to_lo="unsigned long long[:]",
               counts="long long[:]")
cdef bytes _by_bytes(unsigned long long[:] hi, unsigned long long[:] lo, Py_ssize_t n)

cdef Py_ssize_t _byte_of(unsigned long long hi, unsigned long long lo, Py_ssize_t b)

@cython.locals(o=Py_ssize_t, k=Py_ssize_t, b=Py_ssize_t, size=Py_ssize_t, h="unsigned long long",
               v="unsigned long long", out="unsigned char[:]")
cdef bytes _joined(unsigned long long[:] hi, unsigned long long[:] lo, Py_ssize_t n)
