# C fields for the aggregate every hit is counted into (container.py's _Agg) when Cython
# compiles it (an augmenting .pxd: the .py stays plain Python, and runs as such where nothing
# is compiled).
cimport cython

cdef class _Agg:
    cdef public Py_ssize_t hits, rows_with_hits, last_row, allowed, supported
    cdef public double score_max
    cdef public long long score_units
    cdef public dict distinct, examples
    cdef public bytes packed
    cdef public object bound, oldest, allowed_reason, sketch

    @cython.locals(distinct=dict, units="long long")
    cpdef bint add(self, Py_ssize_t row, double score, bytes digest)

    cpdef bint wants(self, long long rank, Py_ssize_t max_examples)

    @cython.locals(examples=dict)
    cpdef void offer(self, long long rank, str example, Py_ssize_t max_examples) except *

cdef class _Counting:
    cdef public bytes key
    cdef public dict memo, shown
    cdef public Py_ssize_t max_examples
    cdef public bint show_values, hashing

@cython.locals(counting=_Counting, memos=dict, memo=dict, rank="long long", aggs=dict, agg=_Agg,
               new=bint)
cpdef void _count_hit(object scanner, object out, object field_name, Py_ssize_t row,
                      Py_ssize_t start, Py_ssize_t end, str entity, double score, str value,
                      object ts) except *

@cython.locals(n=Py_ssize_t, i=Py_ssize_t, k=Py_ssize_t)
cpdef Py_ssize_t _object_start(str line) except -2
