"""Ctrl-C while a scan records what it found: held back until the record is whole.

Between containers, the main thread records what each one found: its outcome settled into
findings (``scan._settle``), a worker's byte range folded into its file's. Ctrl-C's SIGINT
(and the SIGTERM the command line handles as it) raises ``KeyboardInterrupt`` at whatever
the main thread runs. Raised inside such a record, it would leave it half made (a log field's
waiting hits recorded, its buffer not yet emptied) and unwind past every result the source
kept so far. :func:`held` keeps the signal out of the record: it sets ``stop`` instead, and
the scan ends at its next container or batch, marked interrupted, with everything recorded.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

try:
    # The C functions under ``signal.signal`` and ``signal.getsignal``, without their
    # conversions of numbers and handlers to enums: 0.2 us a call against 5 (a scan of 10,000
    # small files records each one twice, and each record swapped two handlers back and forth).
    from _signal import getsignal as _getsignal
    from _signal import signal as _set_handler
except ImportError:  # another Python than CPython
    _getsignal, _set_handler = signal.getsignal, signal.signal

#: SIGINT and SIGTERM as plain numbers, for the C functions.
_SIGNALS = (int(signal.SIGINT), int(signal.SIGTERM))


@contextmanager
def held(stop: threading.Event) -> Iterator[None]:
    """Within this block, SIGINT and SIGTERM set ``stop`` instead of running their Python
    handlers (which raise ``KeyboardInterrupt``); the handlers are back after it. Signals that
    have no Python handler (the default SIGTERM, an ignored one) are left as they are, and
    outside the main thread, where no Python handler runs, nothing is changed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def note(signum: int, frame: object) -> None:
        stop.set()

    previous = {}
    for sig in _SIGNALS:
        if callable(_getsignal(sig)):
            previous[sig] = _set_handler(sig, note)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            _set_handler(sig, handler)
