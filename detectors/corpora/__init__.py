"""Labelled corpora of Kazakh personal data, shared by the tests and the benchmarks.

* :mod:`.logs`: the benchmark's log lines (application, nginx, JSON), by size and seed;
* :mod:`.labelled`: log lines with the exact spans of the personal values in them;
* :mod:`.realistic`: log files as real systems write them, with labels, and their scoring;
* :mod:`.schema`: database tables of Kazakh systems with each column labelled;
* :mod:`.common`: the check digits and the transliteration they share.

They live in the installed package, next to the Faker provider (:mod:`derbes.detectors.faker_kz`)
they build on, so that tests and ``benchmarks/`` import them by name, not through
``sys.path``. Like the rest of ``detectors`` they import nothing of ``scanner`` or ``reports``;
nothing in derbes imports them.
"""
