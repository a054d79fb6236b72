from django.urls import path

from learner.appointments import views
from learner.appointments.views import calendar as calendar_views

app_name = "appointments"
urlpatterns = [
    # Learners
    path("", views.home, name="home"),
    path("book/", views.book, name="book"),
    path("waitlist/", views.waitlist, name="waitlist"),
    path("<int:booking_id>/", views.booking, name="booking"),
    # Case managers
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/hours/", views.hours, name="hours"),
    path("agenda/bookings/<int:booking_id>/", views.staff_booking, name="staff_booking"),
    # The learner's calendar app: one booking as a file, the private feed and its address
    path("<int:booking_id>/calendar.ics", calendar_views.booking_ics, name="booking_ics"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("feed/<str:token>.ics", calendar_views.feed, name="feed"),
]
