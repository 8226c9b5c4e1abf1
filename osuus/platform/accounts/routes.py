"""Public and account pages: home, sign-up, verify, sign-in/out, password reset, invitations, language, /me."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.response import Redirect, Template

from osuus.platform import apitokens, passwords
from osuus.platform.accounts import service
from osuus.platform.context import Viewer, require_viewer
from osuus.platform.http import Form, client_ip, page, safe_next
from osuus.platform.i18n import LANGUAGES, N_, get_language, normalise
from osuus.platform.invitations import accept_invitation, find_invitation
from osuus.platform.ratelimit import Limiter

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
LANG_COOKIE_AGE = 365 * 24 * 3600


def start_session(request: Request, user_id: int) -> None:  # type: ignore[type-arg]
    """A new session id at every sign-in (no fixation), holding only the user id."""
    request.scope["state"]["osuus_rotate_session"] = True
    request.set_session({"uid": user_id})


def with_language(response: Response[Any], language: str, secure: bool) -> Response[Any]:
    response.set_cookie(
        "lang", normalise(language), max_age=LANG_COOKIE_AGE, httponly=True, samesite="lax", secure=secure
    )
    return response


@get("/", name="home")
async def home(request: Request, viewer: Viewer | None) -> Template:  # type: ignore[type-arg]
    return page(request, "public/home.html")


@get("/signup")
async def signup_form(request: Request, viewer: Viewer | None) -> Template | Redirect:  # type: ignore[type-arg]
    if viewer:
        return Redirect("/me", status_code=303)
    return page(request, "accounts/signup.html")


@post("/signup")
async def signup(request: Request, data: FormData) -> Template:  # type: ignore[type-arg]
    form = Form.from_data(data)
    email, name, password = service.normal_email(form.get("email")), form.get("name"), form.get("password")
    if problem := service.name_problem(name):
        form.error("name", problem)
    if problem := service.email_problem(email):
        form.error("email", problem)
    if problem := passwords.password_problem(password, (email, name)):
        form.error("password", problem)
    if not form.ok:
        form.values["password"] = ""
        return page(request, "accounts/signup.html", status=400, form=form)
    await service.sign_up(email, name, password, get_language(), client_ip(request))
    return page(request, "accounts/check_mail.html", email=email)


@get("/verify/{token:str}")
async def verify(request: Request, token: str) -> Template:  # type: ignore[type-arg]
    ok = await service.verify_email(token)
    return page(request, "accounts/verified.html", status=200 if ok else 400, ok=ok)


@get("/signin")
async def signin_form(request: Request, viewer: Viewer | None, next: str | None = None) -> Template:  # type: ignore[type-arg]
    return page(request, "accounts/signin.html", next=safe_next(next))


@post("/signin")
async def signin(request: Request, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    target = safe_next(form.get("next"))
    email, password = form.get("email"), form.get("password")
    if not email:
        form.error("email", N_("Enter your e-mail address"))
    if not password:
        form.error("password", N_("Enter your password"))
    if form.ok:
        limiter = Limiter(request.app.state.redis)
        result = await service.sign_in(limiter, email, password, client_ip(request))
        if result.problem == "limited":
            form.error("email", N_("Too many tries. Wait 15 minutes and try again"))
            form.values["password"] = ""
            return page(request, "accounts/signin.html", status=429, form=form, next=target)
        if result.problem == "unverified":
            form.error("email", N_("Confirm your e-mail address first. Open the link in the e-mail we sent you"))
            form.values["password"] = ""
            return page(request, "accounts/signin.html", status=400, form=form, next=target, unverified=True)
        if result.problem == "wrong":
            form.error("email", N_("The e-mail address or the password is wrong"))
        if result.user_id is not None:
            start_session(request, result.user_id)
            return with_language(
                Redirect(target, status_code=303), result.language, request.app.state.settings.production
            )  # type: ignore[return-value]
    form.values["password"] = ""
    return page(request, "accounts/signin.html", status=400, form=form, next=target)


@post("/signin/resend")
async def resend(request: Request, data: FormData) -> Template:  # type: ignore[type-arg]
    form = Form.from_data(data)
    await service.resend_verification(form.get("email"))
    return page(request, "accounts/check_mail.html", email=service.normal_email(form.get("email")))


@post("/signout")
async def signout(request: Request) -> Redirect:  # type: ignore[type-arg]
    request.clear_session()
    return Redirect("/", status_code=303)


@get("/reset")
async def reset_request_form(request: Request) -> Template:  # type: ignore[type-arg]
    return page(request, "accounts/reset_request.html")


@post("/reset")
async def reset_request(request: Request, data: FormData) -> Template:  # type: ignore[type-arg]
    form = Form.from_data(data)
    email = service.normal_email(form.get("email"))
    if problem := service.email_problem(email):
        form.error("email", problem)
        return page(request, "accounts/reset_request.html", status=400, form=form)
    await service.request_reset(email, client_ip(request))
    return page(request, "accounts/check_mail.html", email=email, reset=True)


@get("/reset/{token:str}")
async def reset_form(request: Request, token: str) -> Template:  # type: ignore[type-arg]
    valid = await service.reset_token_valid(token)
    return page(request, "accounts/reset_form.html", status=200 if valid else 400, token=token, valid=valid)


@post("/reset/{token:str}")
async def reset(request: Request, token: str, data: FormData) -> Template:  # type: ignore[type-arg]
    form = Form.from_data(data)
    password = form.get("password")
    if problem := passwords.password_problem(password):
        form.error("password", problem)
        form.values["password"] = ""
        return page(request, "accounts/reset_form.html", status=400, form=form, token=token, valid=True)
    ok = await service.reset_password(token, password, client_ip(request))
    if not ok:
        return page(request, "accounts/reset_form.html", status=400, token=token, valid=False)
    request.clear_session()
    return page(request, "accounts/reset_done.html")


@get("/invite/{token:str}")
async def invitation_form(request: Request, token: str, viewer: Viewer | None) -> Template:  # type: ignore[type-arg]
    invitation = await find_invitation(token)
    if invitation is None:
        return page(request, "accounts/invitation_invalid.html", status=404)
    form = Form(values={"name": invitation.name})
    return page(request, "accounts/invitation.html", invitation=invitation, token=token, form=form)


@post("/invite/{token:str}")
async def invitation_accept(request: Request, token: str, viewer: Viewer | None, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    invitation = await find_invitation(token)
    if invitation is None:
        return page(request, "accounts/invitation_invalid.html", status=404)
    form = Form.from_data(data)
    if viewer is None and invitation.account_exists:
        return Redirect(f"/signin?next=/invite/{token}", status_code=303)
    user_id = await accept_invitation(token, invitation, viewer.id if viewer else None, form, client_ip(request))
    if user_id is None:
        if form.ok:
            return page(request, "accounts/invitation_invalid.html", status=404)
        form.values["password"] = ""
        return page(request, "accounts/invitation.html", status=400, invitation=invitation, token=token, form=form)
    if viewer is None:
        start_session(request, user_id)
    return Redirect(invitation.url, status_code=303)


@post("/lang")
async def choose_language(request: Request, viewer: Viewer | None, data: FormData) -> Response[Any]:  # type: ignore[type-arg]
    form = Form.from_data(data)
    language = form.get("lang")
    language = language if language in LANGUAGES else get_language()
    if viewer:
        await service.save_language(viewer.id, language)
    response = Redirect(safe_next(form.get("next"), "/"), status_code=303)
    return with_language(response, language, request.app.state.settings.production)


@get("/me")
async def me(request: Request, viewer: Viewer | None) -> Template | Redirect:  # type: ignore[type-arg]
    if viewer is None:
        return Redirect("/signin?next=/me", status_code=303)
    return page(request, "accounts/me.html")


# --- API tokens: /me/tokens ------------------------------------------------------------------------------------


@get("/me/tokens")
async def tokens(request: Request, viewer: Viewer | None) -> Template:  # type: ignore[type-arg]
    who = require_viewer(viewer)
    return page(request, "accounts/tokens.html", tokens=await apitokens.list_tokens(who.id))


@get("/me/tokens/new")
async def token_form(request: Request, viewer: Viewer | None) -> Template:  # type: ignore[type-arg]
    require_viewer(viewer)
    return page(request, "accounts/tokens_new.html")


@post("/me/tokens/new")
async def token_create(request: Request, viewer: Viewer | None, data: FormData) -> Template:  # type: ignore[type-arg]
    who = require_viewer(viewer)
    form = Form.from_data(data)
    token = await apitokens.create_token(who.id, form, client_ip(request))
    if token is None:
        return page(request, "accounts/tokens_new.html", status=400, form=form)
    shown = page(request, "accounts/tokens_made.html", token=token, name=form.get("name"))
    shown.headers["Cache-Control"] = "no-store"  # the plain token is on this page: never kept in a cache
    return shown


async def _own_token(viewer: Viewer | None, token_id: int) -> tuple[Viewer, apitokens.TokenView]:
    who = require_viewer(viewer)
    token = await apitokens.get_token(who.id, token_id)
    if token is None:
        raise NotFoundException()
    return who, token


@get("/me/tokens/{token_id:int}/revoke")
async def token_revoke_confirm(request: Request, viewer: Viewer | None, token_id: int) -> Template:  # type: ignore[type-arg]
    _, token = await _own_token(viewer, token_id)
    return page(request, "accounts/tokens_revoke.html", token=token)


@post("/me/tokens/{token_id:int}/revoke")
async def token_revoke(request: Request, viewer: Viewer | None, token_id: int) -> Redirect:  # type: ignore[type-arg]
    who, _ = await _own_token(viewer, token_id)
    await apitokens.revoke(who.id, token_id, client_ip(request))
    return Redirect("/me/tokens", status_code=303)


HANDLERS = [
    home,
    signup_form,
    signup,
    verify,
    signin_form,
    signin,
    resend,
    signout,
    reset_request_form,
    reset_request,
    reset_form,
    reset,
    invitation_form,
    invitation_accept,
    choose_language,
    me,
    tokens,
    token_form,
    token_create,
    token_revoke_confirm,
    token_revoke,
]
