"""Staff sign-in, sign-out and settings through a real server (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import func, select

from csops.domains.accounts.models import LoginAttempt, LoginSession, Role
from tests.web.conftest import PASSWORD, LiveServer

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no csrf_token field on the page"
    return found.group(1)


def set_cookie_headers(response: httpx.Response, name: str) -> list[str]:
    return [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]


def post_login(
    client: httpx.Client, email: str, password: str = PASSWORD, **extra: str
) -> httpx.Response:
    page = client.get("/login")
    data = {
        "email": email,
        "password": password,
        "csrf_token": page.cookies.get("csops_csrf") or "",
    }
    return client.post("/login", data=data | extra)


def test_login_sets_hardened_session_cookie(live: LiveServer) -> None:
    live.user("ada@example.com")
    client = live.client(follow_redirects=False)
    page = client.get("/login")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.text and "Log in" in page.text
    (csrf_cookie,) = set_cookie_headers(page, "csops_csrf")
    assert "HttpOnly" in csrf_cookie and "samesite=lax" in csrf_cookie.lower()
    assert csrf_of(page.text) == page.cookies["csops_csrf"]

    response = client.post(
        "/login",
        data={"email": "ADA@example.com ", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/inbox"
    (cookie,) = set_cookie_headers(response, "csops_session")
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Path=/" in cookie
    assert "Max-Age=43200" in cookie
    assert "Secure" not in cookie  # CSOPS_COOKIE_SECURE is off in tests
    account = client.get("/account")
    assert account.status_code == 200 and "ada@example.com" in account.text


def test_login_follows_only_local_next(live: LiveServer) -> None:
    live.user("ada@example.com")
    client = live.client(follow_redirects=False)
    assert post_login(client, "ada@example.com", next="/account").headers["location"] == "/account"
    other = live.client(follow_redirects=False)
    evil = post_login(other, "ada@example.com", next="//evil.example/x")
    assert evil.headers["location"] == "/inbox"
    # a page that needs a login sends there with ?next=, and the login page keeps it
    anonymous = live.client(follow_redirects=False)
    bounce = anonymous.get("/account")
    assert bounce.status_code == 303 and bounce.headers["location"] == "/login?next=/account"
    assert 'name="next" value="/account"' in anonymous.get(bounce.headers["location"]).text


def test_wrong_password_is_401_and_sets_no_session(live: LiveServer) -> None:
    live.user("ada@example.com")
    live.customer("cus@example.com")
    client = live.client(follow_redirects=False)
    response = post_login(client, "ada@example.com", password="wrong password")
    assert response.status_code == 401
    assert "Invalid email or password" in response.text
    assert not set_cookie_headers(response, "csops_session")
    assert 'value="ada@example.com"' in response.text  # the email is kept in the form
    # unknown people and customers cannot use the staff sign-in
    assert post_login(client, "nobody@example.com").status_code == 401
    assert post_login(client, "cus@example.com").status_code == 401


def test_login_without_or_with_wrong_csrf_is_refused(live: LiveServer) -> None:
    live.user("ada@example.com")
    client = live.client(follow_redirects=False)
    data = {"email": "ada@example.com", "password": PASSWORD}
    missing = client.post("/login", data=data)
    assert missing.status_code == 403 and "expired" in missing.text
    client.get("/login")
    wrong = client.post("/login", data=data | {"csrf_token": "x" * 32})
    assert wrong.status_code == 403
    assert not set_cookie_headers(wrong, "csops_session")


def test_login_is_rate_limited(live: LiveServer) -> None:
    live.user("ada@example.com")
    client = live.client(follow_redirects=False)
    for _ in range(5):  # CSOPS_LOGIN_MAX_ATTEMPTS=5 in tests/conftest.py
        assert post_login(client, "ada@example.com", password="nope nope").status_code == 401
    blocked = post_login(client, "ada@example.com")  # even the right password now
    assert blocked.status_code == 429
    assert "Too many attempts, try again later" in blocked.text
    with live.session() as session:
        count = session.scalar(select(func.count(LoginAttempt.id)))
    assert count == 10  # 5 failures x (email key + ip key), committed despite the error pages


def test_successful_login_clears_failures(live: LiveServer) -> None:
    live.user("ada@example.com")
    client = live.client(follow_redirects=False)
    for _ in range(3):
        post_login(client, "ada@example.com", password="nope nope")
    assert post_login(client, "ada@example.com").status_code == 303
    with live.session() as session:
        assert session.scalar(select(func.count(LoginAttempt.id))) == 0


def test_logout_ends_the_session(live: LiveServer) -> None:
    live.user("ada@example.com")
    client = live.login("ada@example.com")
    token = csrf_of(client.get("/account").text)
    refused = client.post("/logout", data={"csrf_token": "wrong"})
    assert refused.status_code == 403
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert 'csops_session=""' in response.headers["set-cookie"]
    assert client.get("/account").status_code == 303
    with live.session() as session:
        assert session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_signed_in_staff_skip_the_login_form(live: LiveServer) -> None:
    live.user("ada@example.com")
    client = live.login("ada@example.com")
    response = client.get("/login?next=/account")
    assert response.status_code == 303 and response.headers["location"] == "/account"


def test_password_change_signs_out_other_sessions(live: LiveServer) -> None:
    live.user("ada@example.com")
    here = live.login("ada@example.com")
    elsewhere = live.login("ada@example.com")
    old_cookie = here.cookies["csops_session"]
    token = csrf_of(here.get("/account").text)
    response = here.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "new": "a much better one",
            "confirm": "a much better one",
            "csrf_token": token,
        },
    )
    assert response.status_code == 303
    assert here.cookies["csops_session"] != old_cookie
    page = here.get("/account")
    assert page.status_code == 200  # this browser stays signed in
    assert "Password changed" in page.text
    assert elsewhere.get("/account").status_code == 303  # the other one is out
    stale = live.client(follow_redirects=False, cookies={"csops_session": old_cookie})
    assert stale.get("/account").status_code == 303
    fresh = live.client(follow_redirects=False)
    assert post_login(fresh, "ada@example.com").status_code == 401
    assert post_login(fresh, "ada@example.com", password="a much better one").status_code == 303


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong", "a much better one", "a much better one", "current password is wrong"),
        (PASSWORD, "short", "short", "at least 8"),
        (PASSWORD, "a much better one", "another one here", "The two new passwords differ"),
    ],
)
def test_password_change_errors_are_shown(
    live: LiveServer, current: str, new: str, confirm: str, message: str
) -> None:
    live.user("ada@example.com")
    client = live.login("ada@example.com")
    token = csrf_of(client.get("/account").text)
    data = {"current": current, "new": new, "confirm": confirm, "csrf_token": token}
    response = client.post("/account/password", data=data)
    assert response.status_code == 422 and message in response.text
    assert client.get("/account").status_code == 200  # still signed in


def test_password_change_needs_csrf(live: LiveServer) -> None:
    live.user("ada@example.com")
    client = live.login("ada@example.com")
    data = {"current": PASSWORD, "new": "a much better one", "confirm": "a much better one"}
    assert client.post("/account/password", data=data).status_code == 403


def test_language_switch_renders_chinese(live: LiveServer) -> None:
    live.user("ada@example.com", role=Role.admin)
    client = live.login("ada@example.com")
    page = client.get("/account")
    assert '<html lang="en">' in page.text and "Settings" in page.text
    data = {
        "name": "Ada L.",
        "locale": "zh_Hans",
        "timezone": "Asia/Shanghai",
        "csrf_token": csrf_of(page.text),
    }
    response = client.post("/account", data=data)
    assert response.status_code == 303
    page = client.get("/account")
    assert '<html lang="zh-Hans">' in page.text
    assert "设置" in page.text and "修改密码" in page.text and "退出登录" in page.text
    assert "您的设置已保存" in page.text  # the flash, in the user's language
    assert 'value="Ada L."' in page.text and "<option selected>Asia/Shanghai</option>" in page.text
    assert "您的设置已保存" not in client.get("/account").text  # shown once


@pytest.mark.parametrize(
    ("field", "value"), [("timezone", "Mars/Olympus"), ("locale", "fr"), ("name", "  ")]
)
def test_account_validation_errors_are_shown(live: LiveServer, field: str, value: str) -> None:
    live.user("ada@example.com")
    client = live.login("ada@example.com")
    data = {
        "name": "Ada",
        "locale": "en",
        "timezone": "UTC",
        "csrf_token": csrf_of(client.get("/account").text),
    }
    response = client.post("/account", data=data | {field: value})
    assert response.status_code == 422
    assert 'class="flash error"' in response.text
