from django.template import Context, Template
from django.utils.text import Truncator
from hypothesis import given
from hypothesis import strategies as st

from parindex.core.templatetags.fast_text import truncatechars

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ "


@given(
    text=st.text(alphabet=st.sampled_from(VIETNAMESE + "\u0301\u0303\u0323<&>\"'"), max_size=120),
    length=st.integers(min_value=-2, max_value=130),
)
def test_it_truncates_exactly_as_django_does(text, length):
    assert truncatechars(text, length) == Truncator(text).chars(length)


def test_templates_use_it_in_place_of_djangos_and_still_escape():
    template = Template("{{ title|truncatechars:12 }}")
    (node,) = template.nodelist
    assert node.filter_expression.filters[0][0] is truncatechars
    assert template.render(Context({"title": "Kế hoạch <CCHC> năm 2024"})) == "Kế hoạch &lt;C…"
    assert Template("{% load vn %}{{ t|truncatechars:'x' }}").render(Context({"t": "nguyên văn"})) == "nguyên văn"
