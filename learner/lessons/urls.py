from django.urls import path

from learner.lessons.views import groups, learn, teach

app_name = "lessons"
urlpatterns = [
    path("", learn.home, name="home"),
    path("<int:lesson_id>/", learn.lesson, name="lesson"),
    path("<int:lesson_id>/studied/", learn.studied, name="studied"),
    path("<int:lesson_id>/practice/", learn.practice, name="practice"),
    path("modules/<int:module_id>/pack.json", learn.pack, name="pack"),
    path("interests/", learn.interests, name="interests"),
    path("teach/", teach.teach, name="teach"),
    path("teach/courses/<int:course_id>/", teach.course, name="course"),
    path(
        "teach/courses/<int:course_id>/translate/<str:language>/",
        teach.course_translate,
        name="course_translate",
    ),
    path("teach/lessons/<int:lesson_id>/", teach.edit, name="edit"),
    path(
        "teach/lessons/<int:lesson_id>/translate/<str:language>/",
        teach.translate,
        name="translate",
    ),
    path("teach/lessons/<int:lesson_id>/preview/<str:language>/", teach.preview, name="preview"),
    path("teach/library/", teach.library, name="library"),
    path("teach/groups/new/", groups.group_new, name="group_new"),
    path("teach/groups/<int:group_id>/", groups.group, name="group"),
    path("teach/sessions/<int:session_id>/attendance/", groups.attendance, name="attendance"),
]
