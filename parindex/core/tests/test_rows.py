"""The row-writing tags' helpers write what the template language would have written."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils.safestring import mark_safe

from parindex.core.templatetags.rows import UrlPattern, text

VALUES = ["Kế hoạch <CCHC> & “báo cáo”", 'O\'Neil "quoted"', 12, None, mark_safe("<b>đậm</b>"), "x" * 130]


@pytest.mark.parametrize("value", VALUES)
def test_text_writes_what_a_template_variable_would(value):
    assert text(value) == Template("{{ v }}").render(Context({"v": value}))
    assert text(value, 110) == Template("{{ v|truncatechars:110 }}").render(Context({"v": value}))


@pytest.mark.parametrize("code", ["1.1.2", "3.2", "I.2 á b", "a?b#c&d", "50%"])
def test_a_url_pattern_gives_what_reverse_gives(code):
    assert UrlPattern("criteria:criterion_detail", "dn-sct-2019")(code) == reverse(
        "criteria:criterion_detail", args=["dn-sct-2019", code]
    )
    assert UrlPattern("assessments:answer_panel")(42) == reverse("assessments:answer_panel", args=[42])
