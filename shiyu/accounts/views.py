from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _


class LoginView(auth_views.LoginView):
    """Django's sign-in; the authentication backend limits attempts and marks the request."""

    template_name = "accounts/login.html"

    def form_invalid(self, form):
        if getattr(self.request, "shiyu_rate_limited", False):
            return self.render_to_response(self.get_context_data(
                form=form, rate_limited=_("Too many requests; please wait a moment and try again.")),
                status=429)
        return super().form_invalid(form)
