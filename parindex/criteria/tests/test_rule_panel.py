"""The set page's rounding and area roles, and the criterion page's verbatim rule beside what
the engine applies, with its worked examples."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from parindex.criteria.models import CriteriaSet, Criterion

pytestmark = pytest.mark.usefixtures("demo")


def page(client, *args):
    view = "criteria:criterion_detail" if len(args) == 2 else "criteria:set_detail"
    return client.get(reverse(view, args=args)).content.decode()


def test_the_set_page_says_it_does_not_round_and_has_no_outside_areas(login_as):
    html = page(login_as("dn.chuyenvien"), "dn-sct-2019")
    assert "Làm tròn: không" in html
    assert 'data-testid="set-index-formula"' not in html


def test_the_set_page_shows_the_declared_rounding_and_each_areas_role(login_as):
    CriteriaSet.objects.filter(code="dn-sct-2019").update(rounding_decimals=2, rounding_at="total")
    Criterion.objects.filter(criteria_set__code="dn-sct-2019", code="9").update(area="penalty", max_points=0)
    html = page(login_as("dn.chuyenvien"), "dn-sct-2019")
    assert "Làm tròn: 2 chữ số thập phân, ở tổng điểm" in html
    assert "lĩnh vực thưởng, trừ: 9 (điểm trừ)" in html
    assert "điểm trừ, không giới hạn mức trừ" in html


def test_the_criterion_page_puts_the_official_text_beside_the_engines_examples(login_as):
    html = page(login_as("dn.chuyenvien"), "dn-sct-2019", "1.1.2")
    assert "Cách tính điểm (nguyên văn)" in html
    assert "Tỷ lệ có ngưỡng" in html
    assert "từ 0 đến 3" in html
    # the first example sits on the 85 % threshold, computed by the engine
    assert "Tỷ lệ 85/100 = 85,00 % ≥ 85 % → 85,00 % × 3 = 2,55 điểm" in html
    assert "Tỷ lệ 0/100 = 0,00 % &lt; 85 % → 0 điểm" in html


def test_a_signed_criterion_shows_its_negative_range(login_as):
    html = page(login_as("dn.chuyenvien"), "dn-sct-2019", "9.1")
    assert "từ −3 đến 3" in html
    assert "−1 điểm" in html


@pytest.mark.parametrize(
    ("max_points", "signed", "text"),
    [(D("1.275"), False, "1,275"), (D(3), True, "±3"), (D(0), True, "≤ 0"), (None, False, "")],
)
def test_a_maximum_is_written_exactly_and_says_when_points_can_be_lost(max_points, signed, text):
    assert Criterion(max_points=max_points, signed=signed).max_text == text
