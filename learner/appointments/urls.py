from django.urls import path

from learner.appointments import views

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
]
