from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

import shiyu.intake.api  # noqa: F401  (adds POST /cases to the cases router)
from shiyu.accounts.api import router as accounts_router
from shiyu.accounts.auth import bearer
from shiyu.alerts.api import router as alerts_router
from shiyu.cases.api import router as cases_router
from shiyu.core.api import document_error_responses
from shiyu.core.errors import DomainError
from shiyu.disputes.api import router as disputes_router
from shiyu.geo.api import router as geo_router
from shiyu.goals.api import router as goals_router
from shiyu.insights.api import router as insights_router
from shiyu.knowledge.api import router as knowledge_router
from shiyu.maps.api import router as maps_router
from shiyu.participation.api import router as participation_router
from shiyu.reception.api import router as reception_router
from shiyu.reports.api import router as reports_router


class ShiyuAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        return document_error_responses(super().get_openapi_schema(**kwargs))


api = ShiyuAPI(title="Shiyu API", version="1", urls_namespace="api", auth=bearer,
               description="Cases, workflow actions and reference data of a Shiyu city.")


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    body = {"code": exc.code, "message": str(exc.message)}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    fields = [".".join(str(p) for p in err.get("loc", [])[1:]) for err in exc.errors]
    return api.create_response(request, {"code": "invalid", "message": _("The input is not valid."),
                                         "fields": fields, "detail": exc.errors}, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(request, {"code": "unauthorized", "message": _("Please sign in.")},
                               status=401)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # Ninja's own text is English whatever the language: a body that is not JSON is invalid input.
        return api.create_response(request, {"code": "invalid_json", "message": _("The input is not valid.")},
                                   status=400)
    return api.create_response(request, {"code": "error", "message": str(exc)}, status=exc.status_code)


api.add_router("", accounts_router)
api.add_router("", geo_router)
api.add_router("", cases_router)
api.add_router("", maps_router)
api.add_router("", insights_router)
api.add_router("", alerts_router)
api.add_router("", reports_router)
api.add_router("", goals_router)
api.add_router("", disputes_router)
api.add_router("", reception_router)
api.add_router("", knowledge_router)
api.add_router("", participation_router)
