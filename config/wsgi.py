import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()

from shiyu.core.text import warm_up  # noqa: E402  (needs the settings loaded above)

warm_up()

# The routing classifier's active model too (a second or so), so no resident's submission pays it.
from shiyu.routing.classifier.runtime import warm_up as classifier_warm_up  # noqa: E402

classifier_warm_up()
