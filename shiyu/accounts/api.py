from django.utils.translation import gettext as _
from ninja import Router, Schema

from shiyu.accounts import selectors, services
from shiyu.core.errors import InvalidInput, NotFound

router = Router(tags=["accounts"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    parent_id: int | None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[str]
    departments: list[dict]
    areas: list[dict]


@router.post("/auth/token", auth=None, response=TokenOut, url_name="auth-token")
def auth_token(request, payload: TokenIn):
    if (not payload.username or not payload.password or len(payload.username) > 150
            or "\x00" in payload.username or "\x00" in payload.password):
        raise InvalidInput(_("Give a username and a password."))
    try:
        return {"token": services.token_issue(username=payload.username, password=payload.password,
                                              request=request)}
    except NotFound:
        raise InvalidInput(_("Wrong username or password.")) from None


@router.get("/me", response=MeOut, url_name="me")
def me(request):
    return selectors.user_profile(request.auth)


@router.get("/departments", response=list[DepartmentOut], url_name="departments")
def departments(request):
    return list(selectors.department_list())
