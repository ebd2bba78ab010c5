"""Names and identity documents in CSV fields, found by their values (issue #12): a column
whose header says nothing (``получатель``, ``col3``) still holds full names."""

from __future__ import annotations

from pathlib import Path

from derbes.scanner.engine import scan
from derbes.scanner.sources.tabular import TabularSource

# Written by the team: a courier company's export, «;»-separated as Excel writes it in Kazakhstan.
ROWS = [
    ("ТТН-000101", "Жолдасбекова Айгерім Серікқызы", "Алматы", "удостоверение 045123456"),
    ("ТТН-000102", "Тлеубердиев Нурлан Маратович", "Астана", "удостоверение 038765432"),
    ("ТТН-000103", "Искакова Динара Ерлановна", "Шымкент", "паспорт N12345678"),
    ("ТТН-000104", "Қуанышбаев Бауыржан Асқарұлы", "Атырау", "удостоверение 041122334"),
    ("ТТН-000105", "Кравченко Оксана Викторовна", "Павлодар", "паспорт N09876543"),
]


def test_names_and_documents_by_value_in_csv(tmp_path: Path) -> None:
    path = tmp_path / "waybills.csv"
    lines = ["waybill;col2;city;doc"] + [";".join(r) for r in ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = scan([TabularSource(str(path))])
    got = {(f.field, f.entity, f.match_type, f.hits) for f in result.findings}
    assert got == {("col2", "PERSON", "value", 5), ("doc", "IDENTITY_DOCUMENT", "value", 5)}
