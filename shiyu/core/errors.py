"""Domain errors. Interfaces map them to HTTP in one place (see config/api.py and core/views)."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "error"
    status = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message: object = None, *, field: str | None = None) -> None:
        self.message = message if message is not None else self.default_message
        self.field = field
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    code = "invalid"
    status = 422
    default_message = _("The input is not valid.")


class NotFound(DomainError):
    """Missing and forbidden-to-see are the same answer."""

    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    default_message = _("You are not allowed to do this.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("Someone else changed this case; reload and try again.")


class IllegalTransition(Conflict):
    code = "illegal_transition"
    default_message = _("This action is not possible in the case's current state.")


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many requests; please wait a moment and try again.")
