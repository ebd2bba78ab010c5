# C types for redact.py's keyed BLAKE2b when Cython compiles it (an augmenting .pxd: the .py
# stays plain Python, and runs as such where nothing is compiled; there _digest uses hashlib).
cimport cython

ctypedef unsigned long long u64

cdef bytes _IV, _SIGMA
cdef bint _COMPILED
# The state after each key's block, a dict in C: get() and len() without attribute lookups.
cdef dict _AFTER_KEY

@cython.locals(i=Py_ssize_t, h="unsigned long long[8]", m="unsigned long long[16]")
cpdef bytes blake2b_key_state(bytes key, int digest_size)

@cython.locals(n=Py_ssize_t, done=Py_ssize_t, i=Py_ssize_t, h="unsigned long long[8]",
               m="unsigned long long[16]")
cpdef bytes blake2b_after_key(bytes state, bytes data, int digest_size)

@cython.locals(i=Py_ssize_t, out="unsigned char[64]")
cdef bytes _bytes_of(u64 *h, Py_ssize_t size)

@cython.locals(b0=u64, b1=u64, b2=u64, b3=u64, b4=u64, b5=u64, b6=u64, b7=u64)
cdef inline u64 _word(const unsigned char *data, Py_ssize_t at) noexcept

@cython.locals(i=int, k=Py_ssize_t, w=u64)
cdef void _load(u64 *m, const unsigned char *data, Py_ssize_t at, Py_ssize_t stop) noexcept

@cython.locals(r=int, mask=u64, sigma="const unsigned char *",
               iv="const unsigned char *",
               v0=u64, v1=u64, v2=u64, v3=u64, v4=u64, v5=u64, v6=u64, v7=u64,
               v8=u64, v9=u64, v10=u64, v11=u64, v12=u64, v13=u64, v14=u64, v15=u64)
cdef void _compress(u64 *h, const u64 *m, u64 counted, bint last) noexcept

@cython.locals(mask=u64)
cdef u64 _rotr(u64 x, int n) noexcept

@cython.locals(state=bytes)
cpdef bytes _digest(bytes key, bytes normal)

# The normal form and a distinct value's digest and rank, called in C from one another.
cdef dict _NORMALIZE

@cython.locals(function=object)
cpdef object normalize(object entity, object value)

@cython.locals(normal=bytes, text=object, plain=str)
cpdef tuple distinct_and_rank(bytes key, object entity, object value)
