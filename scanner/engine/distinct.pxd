# C types for the union of packed digest sets in distinct.py when Cython compiles it (an
# augmenting .pxd: the .py stays plain Python, and runs as such where nothing is compiled).
cimport cython

@cython.locals(la=Py_ssize_t, lb=Py_ssize_t, i=Py_ssize_t, j=Py_ssize_t, n=Py_ssize_t,
               k=Py_ssize_t, size=Py_ssize_t, out=bytearray, va="const unsigned char[:]",
               vb="const unsigned char[:]", vo="unsigned char[:]")
cpdef bytes _merged(bytes a, bytes b)

# The digest's first 8 bytes read in C (the caller keeps the bytes alive; a digest has 16).
@cython.locals(value="unsigned long long", k=Py_ssize_t)
cpdef long long _item(const unsigned char *digest)
