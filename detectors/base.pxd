# C types for the context window lookup of base.py when Cython compiles it (an augmenting
# .pxd: the .py stays plain Python, and runs as such where nothing is compiled).
cimport cython

@cython.locals(lo=Py_ssize_t, window=str, general=str)
cpdef object window_verdict(dict verdicts, bytes digits, object rx, bint letters, str text,
                            Py_ssize_t start, Py_ssize_t width)
