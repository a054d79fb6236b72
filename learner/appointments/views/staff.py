# In progress (this session): replaced by the case manager's screens.
from django.http import Http404, HttpRequest, HttpResponse


def agenda(request: HttpRequest) -> HttpResponse:
    raise Http404


hours = staff_booking = agenda
