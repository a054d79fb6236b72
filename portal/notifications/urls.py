from django.urls import path

from portal.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.notifications_read, name="read"),
    # This phone's Web Push subscription (JSON, from static/js/push.js).
    path("push/", views.push_subscribe, name="push_subscribe"),
    path("push/delete/", views.push_unsubscribe, name="push_unsubscribe"),
]
