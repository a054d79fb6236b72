from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from learner.trajectory import urls as trajectory_urls
from portfolio.sharing import urls as sharing_urls

urlpatterns = [
    path("", include("portal.shell.urls")),
    path("", include("portal.accounts.urls")),
    path("staff/learners/", include("learner.profiles.urls")),
    path("staff/", include(trajectory_urls.staff_patterns)),
    path("staff/webhooks/", include("portal.backoffice.staff_urls")),
    path("trajectory/", include("learner.trajectory.urls")),
    path("verify/portfolio/", include(sharing_urls.verify_patterns)),
    path("verify/", include(trajectory_urls.public_patterns)),
    path("api/backoffice/v1/", include("portal.backoffice.urls")),
    path("api/sync/", include("portal.sync.urls")),
    path("participation/", include("learner.participation.urls")),
    path("lessons/", include("learner.lessons.urls")),
    path("appointments/", include("learner.appointments.urls")),
    path("plan/", include("learner.plan.urls")),
    path("portfolio/", include("portfolio.urls")),
    path("portfolio/", include("portfolio.sharing.urls")),
    path("shared/", include(sharing_urls.shared_patterns)),
    path("api/", include("learner.trajectory.api_urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("media/", include("portal.media.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
