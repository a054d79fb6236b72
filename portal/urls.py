from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("portal.shell.urls")),
    path("", include("portal.accounts.urls")),
    path("staff/learners/", include("learner.profiles.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
