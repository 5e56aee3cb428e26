"""The pages and exports of issue 11's table keep the same number of SQL queries when the province
doubles: bench/province.py's generator (the real 91-criterion set, a published round, plans,
survey answers, audit entries) at 4 departments (of 4 units, 20-task plans) and 500
answers, then at 8 and 1,000."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import pages
import province

# The most any of these pages may take; what matters most is that doubling changes nothing.
BOUND = 30


def _clear_demo_round_and_surveys() -> None:
    """The demo's own 2019 round and Sở Công Thương campaign would stand beside the generated
    ones (the dashboard shows the latest campaign): the generated province replaces them."""
    from parindex.assessments.models import AssessmentRound
    from parindex.surveys.models import Campaign

    AssessmentRound.objects.filter(year=province.YEAR).delete()
    Campaign.objects.filter(organization__code__startswith=f"{province.PROVINCE}-").delete()


def _counts(departments: int, answers: int) -> dict[str, int]:
    """Queries of one request per page (after a first one: whatever a first request warms up is
    not what every later one costs), on a province built inside a rolled-back savepoint."""
    from parindex.accounts.models import User

    counts = {}
    with transaction.atomic():
        _clear_demo_round_and_surveys()
        built = province.build(answers=answers, departments=departments, units=4, tasks=20, audit=answers)
        clients: dict[str, Client] = {}
        for label, username, method, url, data, slow in pages.pages(built):
            if username not in clients:
                clients[username] = Client()
                clients[username].force_login(User.objects.get(username=username))
                session = clients[username].session
                session["working_year"] = province.YEAR
                session.save()
            client = clients[username]
            if not slow:  # the exports come after their pages, which have warmed the same data
                assert pages.fetch(client, method, url, data)[0] == 200, label
            with CaptureQueriesContext(connection) as captured:
                assert pages.fetch(client, method, url, data)[0] == 200, label
            counts[label] = len(captured)
        transaction.set_rollback(True)
    return counts


@pytest.mark.django_db
def test_the_issue_pages_keep_their_query_counts_when_the_province_doubles():
    small = _counts(departments=4, answers=500)
    large = _counts(departments=8, answers=1000)
    print("queries per page (4 → 8 departments, 500 → 1,000 answers):", {k: (small[k], large[k]) for k in small})
    grown = {page: (small[page], large[page]) for page in small if large[page] != small[page]}
    assert not grown, f"query counts that grew with the province: {grown}"
    too_many = {page: count for page, count in large.items() if count > BOUND}
    assert not too_many, f"pages above {BOUND} queries: {too_many}"
    assert all(count > 0 for count in small.values())
