from learner.lessons.models import Course
import pytest
from django.urls import reverse

@pytest.mark.django_db
def test_b(case_manager, signed_in):
    r = signed_in(case_manager).get(reverse("portfolio:access"))
    assert r.status_code == 403
