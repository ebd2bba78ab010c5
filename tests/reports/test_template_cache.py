"""The report template compiled once per machine: loaded from the user's cache afterwards,
compiled again when the file is damaged, and no failure when the cache cannot be written."""

from __future__ import annotations

from jinja2 import DictLoader, Environment

from derbes.reports.html import TemplateCache

TEMPLATES = {"page.j2": "{% for x in items %}<li>{{ x }}</li>{% endfor %}"}


def _render(directory) -> str:
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True,
                      bytecode_cache=TemplateCache(str(directory), "t-%s.jinja"))
    return env.get_template("page.j2").render(items=["a", "<b>"])


def test_a_cached_template_renders_alike(tmp_path):
    first = _render(tmp_path / "cache")
    (cached,) = (tmp_path / "cache").iterdir()
    assert cached.stat().st_size > 0
    assert _render(tmp_path / "cache") == first == "<li>a</li><li>&lt;b&gt;</li>"


def test_a_damaged_file_is_compiled_again(tmp_path):
    first = _render(tmp_path / "cache")
    for damage in (b"", b"garbage", None):
        (cached,) = (tmp_path / "cache").iterdir()
        raw = cached.read_bytes()
        cached.write_bytes(raw[: len(raw) // 2] if damage is None else damage)
        assert _render(tmp_path / "cache") == first


def test_an_unwritable_cache_only_costs_the_compile(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert _render(blocker / "cache") == "<li>a</li><li>&lt;b&gt;</li>"
