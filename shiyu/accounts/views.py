from django.contrib.auth import views as auth_views
from django.shortcuts import render

from shiyu.core import ratelimit
from shiyu.core.errors import RateLimited


class LoginView(auth_views.LoginView):
    """Django's sign-in, with attempts limited per address and username."""

    template_name = "accounts/login.html"

    def post(self, request, *args, **kwargs):
        try:
            ratelimit.check(request, "login", extra=request.POST.get("username", "")[:150])
        except RateLimited as exc:
            form = self.get_form()
            return render(request, self.template_name, {"form": form, "rate_limited": str(exc.message)},
                          status=429)
        return super().post(request, *args, **kwargs)
