import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("demo")


@pytest.mark.parametrize("typed", ["1e999999999", "NaN", "Infinity", "1e-999999"])
def test_the_calculator_answers_an_absurd_number_with_a_message_not_a_500(login_as, typed):
    url = reverse("criteria:criterion_calculate", args=["dn-sct-2019", "1.1.2"])
    response = login_as("dn.chuyenvien").post(url, {"a": typed, "b": "17"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Số quá lớn hoặc không hợp lệ ở “Tổng số nhiệm vụ theo kế hoạch CCHC”." in html
    assert "<html" not in html
