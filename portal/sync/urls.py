from django.urls import path

from portal.sync import api

app_name = "sync"
urlpatterns = [
    path("commands", api.Commands.as_view(), name="commands"),
    path("device-keys", api.DeviceKeys.as_view(), name="device_keys"),
]
