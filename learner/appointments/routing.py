from django.urls import path

from learner.appointments.consumers import SlotsConsumer

websocket_urlpatterns = [
    path("ws/slots/", SlotsConsumer.as_asgi()),
]
