from django.contrib.auth.backends import ModelBackend


class ShiyuBackend(ModelBackend):
    """Django's model backend, refusing demo accounts when the site is not a demo.

    Demo accounts share a published password; on a real deployment that forgot to drop them
    they must not open a session, the admin or the API (token_user checks the same rule).
    """

    def user_can_authenticate(self, user):
        from shiyu.accounts.services import demo_allowed

        return super().user_can_authenticate(user) and demo_allowed(user)
