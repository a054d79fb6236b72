"""The ASGI application: Django for HTTP, Channels for websockets (served by daphne)."""

import os
import warnings

import django

# WhiteNoise hands Django small static files as synchronous iterators; under ASGI Django reads them
# whole, which is what we want for files of a few KiB. The warning about it is expected.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators", category=Warning
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Django must be set up before anything imports models.
django.setup(set_prefix=False)

from portal.asgi_handler import SyncChainASGIHandler  # noqa: E402

# Pages: the synchronous middleware chain and view in one thread hop (see portal/asgi_handler.py).
django_asgi_app = SyncChainASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from learner.appointments.routing import websocket_urlpatterns as slots_urlpatterns  # noqa: E402
from portal.notifications.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Same-origin sockets only (checked against ALLOWED_HOSTS), with the Django session's user.
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter([*websocket_urlpatterns, *slots_urlpatterns]))
        ),
    }
)
