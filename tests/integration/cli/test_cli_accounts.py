"""`csops user create` and `csops token create`."""

from __future__ import annotations

from csops.cli.common import EXIT_CONFLICT, EXIT_INVALID, EXIT_NOT_FOUND
from csops.db import session_scope
from csops.domains.accounts import auth
from tests.integration.cli.conftest import Cli


def test_user_then_token_authenticates(cli: Cli) -> None:
    made = cli(
        "user", "create", "--email", "Ops@Example.com", "--name", "Ops Bot", "--role", "admin",
        "--password", "long enough password",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "created admin Ops Bot <ops@example.com>" in made.stdout

    result = cli("token", "create", "--email", "ops@example.com", "--name", "ci", "--scope",
                 "tickets:read", "--scope", "admin")  # fmt: skip

    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("csops_") and " " not in token
    with session_scope(cli.engine) as session:
        actor = auth.authenticate_token(session, raw=token)
        assert actor.name == "Ops Bot"
        assert actor.scopes == frozenset({"tickets:read", "admin"})
        user = auth.authenticate_user(
            session, email="ops@example.com", password="long enough password"
        )
        assert user.role.value == "admin"


def test_user_without_password_gets_a_generated_one(cli: Cli) -> None:
    result = cli("user", "create", "--email", "a@example.com", "--name", "Agent A")

    assert result.exit_code == 0, result.output
    password = result.stdout.strip().splitlines()[-1]
    with session_scope(cli.engine) as session:
        user = auth.authenticate_user(session, email="a@example.com", password=password)
        assert user.role.value == "agent"


def test_errors_are_one_red_line_and_an_exit_code(cli: Cli) -> None:
    args = ("user", "create", "--email", "b@example.com", "--name", "B", "--password", "x" * 12)
    assert cli(*args).exit_code == 0

    duplicate = cli(*args)
    assert duplicate.exit_code == EXIT_CONFLICT
    assert "already exists" in duplicate.stderr

    short = cli("user", "create", "--email", "c@example.com", "--name", "C", "--password", "x")
    assert short.exit_code == EXIT_INVALID
    assert "password" in short.stderr

    nobody = cli("token", "create", "--email", "nobody@example.com", "--name", "t")
    assert nobody.exit_code == EXIT_NOT_FOUND
    assert "no user with email" in nobody.stderr

    scope = cli("token", "create", "--email", "b@example.com", "--name", "t", "--scope", "root")
    assert scope.exit_code == EXIT_INVALID
    assert "scopes" in scope.stderr

    admin_scope = cli("token", "create", "--email", "b@example.com", "--name", "t", "--scope",
                      "admin")  # fmt: skip
    assert admin_scope.exit_code == EXIT_INVALID
    for result in (duplicate, short, nobody, scope, admin_scope):
        assert "Traceback" not in result.output
        assert result.stdout == ""


def test_unknown_team_is_reported(cli: Cli) -> None:
    result = cli("user", "create", "--email", "d@example.com", "--name", "D", "--password",
                 "x" * 12, "--team", "Nope")  # fmt: skip

    assert result.exit_code == EXIT_NOT_FOUND
    assert "unknown team(s): Nope" in result.stderr
