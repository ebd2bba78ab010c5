"""A draft policy file from a published privacy policy (``derbes policy extract``).

Rule-based and offline: the document (text, HTML, DOCX, DOC, ODT, RTF or a PDF's text layer;
Russian, Kazakh or both) is read as clauses, the rules in ``rules/`` (one file per category, plus
negation, storage, transfers, retention, purposes and the operator) find what it declares,
and :func:`draft_policy` writes it as derbes policy YAML, every line with the clause and a
quote behind it. See ``docs/policy.md``.
"""

from __future__ import annotations

from pathlib import Path

from .draft import render
from .extract import Extraction, extract_file, extract_lines

__all__ = ["Extraction", "draft_policy", "extract_file", "extract_lines", "render"]


def draft_policy(path: str | Path, lang: str | None = None, out: str = "policy.yaml") -> str:
    """The draft policy YAML for the document at ``path``; comments in ``lang``.

    ``lang`` (``ru``, ``kk`` or ``en``) also chooses which language of a bilingual document
    is quoted and gives the purposes; by default the document's main language.
    """
    result = extract_file(path, lang=lang if lang in ("ru", "kk") else None)
    return render(result, out=out, lang=lang)
