"""Admin pages through a real server: who may open them, and each create/edit flow."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import func, select

from csops.domains.accounts import auth
from csops.domains.accounts.models import ApiToken, Organization, Role, Service, Team, Tier, User
from csops.errors import Unauthenticated
from tests.web.conftest import PASSWORD, LiveServer

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PAGES = ("/admin/users", "/admin/teams", "/admin/services", "/admin/organizations", "/admin/tokens")


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no csrf_token field on the page"
    return found.group(1)


def admin(live: LiveServer) -> tuple[httpx.Client, str]:
    live.user("root@example.com", role=Role.admin)
    client = live.login("root@example.com")
    return client, csrf_of(client.get("/admin/users").text)


def test_admin_pages_are_for_admins_only(live: LiveServer) -> None:
    live.user("agent@example.com", role=Role.agent)
    live.user("boss@example.com", role=Role.manager)
    live.customer("cus@example.com")
    for email in ("agent@example.com", "boss@example.com"):
        client = live.login(email)
        token = csrf_of(client.get("/account").text)
        for path in PAGES:
            assert client.get(path).status_code == 403, path
            assert client.post(path, data={"name": "x", "csrf_token": token}).status_code == 403
        assert client.get("/admin/users/1").status_code == 403
        assert "/admin/users" not in client.get("/account").text  # no admin menu
    anonymous = live.client(follow_redirects=False)
    customer = live.login("cus@example.com", path="/portal/login")
    for path in PAGES:
        assert anonymous.get(path).headers["location"] == f"/login?next={path}"
        assert customer.get(path).status_code == 303
    with live.session() as session:
        assert session.scalar(select(func.count(Team.id))) == 0


def test_admin_pages_render_with_the_menu(live: LiveServer) -> None:
    client, _ = admin(live)
    for path in PAGES:
        page = client.get(path, headers={"accept": "text/html"})
        assert page.status_code == 200, path
        assert f'href="{path}" aria-current="page"' in page.text


def test_admin_forms_need_csrf(live: LiveServer) -> None:
    client, _ = admin(live)
    response = client.post("/admin/teams", data={"name": "Billing"})
    assert response.status_code == 403
    with live.session() as session:
        assert session.scalar(select(func.count(Team.id))) == 0


def test_create_and_edit_a_user(live: LiveServer) -> None:
    client, token = admin(live)
    client.post("/admin/teams", data={"name": "Billing", "csrf_token": token})
    with live.session() as session:
        billing = session.scalars(select(Team)).one().id
    response = client.post(
        "/admin/users",
        data={
            "email": "New.Person@Example.com",
            "name": "New Person",
            "role": "engineer",
            "password": "initial secret",
            "team_ids": [str(billing), "junk"],
            "csrf_token": token,
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/admin/users"
    listing = client.get("/admin/users")
    assert "User created" in listing.text and "new.person@example.com" in listing.text
    with live.session() as session:
        user = session.scalars(select(User).where(User.email == "new.person@example.com")).one()
        assert user.role == Role.engineer and [t.name for t in user.teams] == ["Billing"]
        user_id = user.id
    newcomer = live.client(follow_redirects=False)
    page = newcomer.get("/login")
    signed_in = newcomer.post(
        "/login",
        data={
            "email": "new.person@example.com",
            "password": "initial secret",
            "csrf_token": page.cookies["csops_csrf"],
        },
    )
    assert signed_in.status_code == 303
    assert newcomer.get("/account").status_code == 200

    edit = client.get(f"/admin/users/{user_id}")
    assert edit.status_code == 200 and "New Person" in edit.text
    saved = client.post(
        f"/admin/users/{user_id}",
        data={"name": "Renamed", "role": "manager", "team_ids": [], "csrf_token": token},
    )  # no is_active: the box was unticked
    assert saved.status_code == 303
    assert "User saved" in client.get(saved.headers["location"]).text
    with live.session() as session:
        user = session.get_one(User, user_id)
        assert (user.name, user.role, user.is_active, user.teams) == (
            "Renamed",
            Role.manager,
            False,
            [],
        )
    assert newcomer.get("/account").status_code == 303  # deactivated: signed out


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"email": "not-an-email", "name": "X", "role": "agent"}, 422, "email"),
        ({"email": "a@example.com", "name": "X", "role": "wizard"}, 422, "role"),
        (
            {"email": "a@example.com", "name": "X", "role": "agent", "password": "short"},
            422,
            "password",
        ),
        ({"email": "root@example.com", "name": "X", "role": "agent"}, 409, "already exists"),
    ],
)
def test_user_form_errors_are_shown(
    live: LiveServer, data: dict[str, str], status: int, message: str
) -> None:
    client, token = admin(live)
    response = client.post("/admin/users", data=data | {"csrf_token": token})
    assert response.status_code == status
    assert message in response.text and 'class="flash error"' in response.text
    assert f'value="{data["email"]}"' in response.text  # the form keeps what was typed
    with live.session() as session:
        assert session.scalar(select(func.count(User.id))) == 1


def test_admin_cannot_lock_themselves_out(live: LiveServer) -> None:
    client, token = admin(live)
    with live.session() as session:
        me = session.scalars(select(User)).one().id
    demote = client.post(
        f"/admin/users/{me}",
        data={"name": "Root", "role": "agent", "is_active": "1", "csrf_token": token},
    )
    assert demote.status_code == 422 and "cannot remove your own admin access" in demote.text
    own_password = client.post(
        f"/admin/users/{me}",
        data={
            "name": "Root",
            "role": "admin",
            "is_active": "1",
            "password": "a new secret",
            "csrf_token": token,
        },
    )
    assert own_password.status_code == 422
    with live.session() as session:
        assert session.get_one(User, me).role == Role.admin
    assert client.get("/admin/users/999").status_code == 404


def test_admin_sets_a_password_and_signs_the_user_out(live: LiveServer) -> None:
    client, token = admin(live)
    user_id = live.user("agent@example.com")
    agent = live.login("agent@example.com")
    response = client.post(
        f"/admin/users/{user_id}",
        data={
            "name": "Agent",
            "role": "agent",
            "is_active": "1",
            "password": "reset by admin",
            "csrf_token": token,
        },
    )
    assert response.status_code == 303
    assert agent.get("/account").status_code == 303
    with live.session() as session:
        auth.authenticate_user(session, email="agent@example.com", password="reset by admin")


def test_create_and_edit_a_team(live: LiveServer) -> None:
    client, token = admin(live)
    ann = live.user("ann@example.com")
    bob = live.user("bob@example.com")
    response = client.post(
        "/admin/teams",
        data={
            "name": "Payments",
            "description": "Money things",
            "member_ids": [str(ann)],
            "csrf_token": token,
        },
    )
    assert response.status_code == 303
    page = client.get("/admin/teams").text
    assert "Team created" in page and "Payments" in page and "Ann" in page
    with live.session() as session:
        team_id = session.scalars(select(Team)).one().id
    assert (
        client.post("/admin/teams", data={"name": "Payments", "csrf_token": token}).status_code
        == 409
    )
    assert client.post("/admin/teams", data={"name": "", "csrf_token": token}).status_code == 422
    edit = client.get(f"/admin/teams/{team_id}")
    assert edit.status_code == 200 and "Money things" in edit.text
    saved = client.post(
        f"/admin/teams/{team_id}",
        data={
            "name": "Payments EU",
            "description": "",
            "member_ids": [str(bob)],
            "csrf_token": token,
        },
    )
    assert saved.status_code == 303
    with live.session() as session:
        team = session.get_one(Team, team_id)
        assert team.name == "Payments EU" and [u.email for u in team.members] == ["bob@example.com"]
    assert client.get("/admin/teams/999").status_code == 404


def test_create_a_service_with_its_team(live: LiveServer) -> None:
    client, token = admin(live)
    client.post("/admin/teams", data={"name": "Platform", "csrf_token": token})
    with live.session() as session:
        team_id = session.scalars(select(Team)).one().id
    response = client.post(
        "/admin/services",
        data={
            "name": "Billing API",
            "slug": "",
            "owning_team_id": str(team_id),
            "description": "Invoices",
            "csrf_token": token,
        },
    )
    assert response.status_code == 303
    page = client.get("/admin/services").text
    assert "Service created" in page and "billing-api" in page and "Platform" in page
    bad = client.post(
        "/admin/services", data={"name": "Other", "slug": "Not A Slug", "csrf_token": token}
    )
    assert bad.status_code == 422 and "slug" in bad.text
    with live.session() as session:
        service = session.scalars(select(Service)).one()
        assert service.owning_team_id == team_id and service.slug == "billing-api"


def test_create_an_organization(live: LiveServer) -> None:
    client, token = admin(live)
    response = client.post(
        "/admin/organizations",
        data={
            "name": "Acme",
            "domain": "Acme.example",
            "tier": "enterprise",
            "notes": "Big",
            "csrf_token": token,
        },
    )
    assert response.status_code == 303
    page = client.get("/admin/organizations").text
    assert "Organization created" in page and "acme.example" in page and "Enterprise" in page
    again = client.post(
        "/admin/organizations", data={"name": "Acme", "tier": "free", "csrf_token": token}
    )
    assert again.status_code == 409
    wrong = client.post(
        "/admin/organizations", data={"name": "Beta", "tier": "platinum", "csrf_token": token}
    )
    assert wrong.status_code == 422 and 'value="Beta"' in wrong.text
    with live.session() as session:
        org = session.scalars(select(Organization)).one()
        assert (org.domain, org.tier) == ("acme.example", Tier.enterprise)


def test_token_is_shown_once_and_can_be_revoked(live: LiveServer) -> None:
    client, token = admin(live)
    response = client.post(
        "/admin/tokens",
        data={
            "name": "monitoring",
            "scopes": ["tickets:read", "admin", "bogus"],
            "csrf_token": token,
        },
    )
    assert response.status_code == 200
    assert "Shown once: copy it now" in response.text
    assert response.headers["cache-control"] == "no-store"
    raw = re.search(r'id="new-token">(csops_[\w-]+)<', response.text)
    assert raw, response.text
    secret = raw.group(1)
    listing = client.get("/admin/tokens").text
    assert secret not in listing and "monitoring" in listing and "Never" in listing
    assert "Shown once" not in listing
    with live.session() as session:
        row = session.scalars(select(ApiToken)).one()
        assert row.scopes == ["admin", "tickets:read"] and secret.startswith(row.prefix)
        assert auth.authenticate_token(session, raw=secret).id == row.user_id
        token_id = row.id
    assert "just now" in client.get("/admin/tokens").text  # last used, recorded

    revoked = client.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 303
    listing = client.get("/admin/tokens").text
    assert "Token revoked" in listing and "Revoked" in listing
    with live.session() as session, pytest.raises(Unauthenticated):
        auth.authenticate_token(session, raw=secret)
    assert client.post("/admin/tokens/999/revoke", data={"csrf_token": token}).status_code == 404


def test_token_form_errors(live: LiveServer) -> None:
    client, token = admin(live)
    no_name = client.post(
        "/admin/tokens", data={"name": " ", "scopes": ["tickets:read"], "csrf_token": token}
    )
    assert no_name.status_code == 422
    no_scope = client.post("/admin/tokens", data={"name": "x", "csrf_token": token})
    assert no_scope.status_code == 422
    with live.session() as session:
        assert session.scalar(select(func.count(ApiToken.id))) == 0


def test_tokens_of_others_are_listed(live: LiveServer) -> None:
    client, _ = admin(live)
    live.user("bot@example.com", role=Role.agent)
    live.token("bot@example.com")
    page = client.get("/admin/tokens").text
    assert "Bot" in page and "tickets:write" in page


def test_new_user_can_sign_in_with_the_password(live: LiveServer) -> None:
    client, token = admin(live)
    client.post(
        "/admin/users",
        data={
            "email": "x@example.com",
            "name": "X",
            "role": "agent",
            "password": PASSWORD,
            "csrf_token": token,
        },
    )
    assert live.login("x@example.com").get("/account").status_code == 200
