"""UI routes: routing rules (admin). Conditions and actions are edited as JSON lists (the
page lists the fields, operators and action types); a saved rule can be test-run against
the newest tickets, which shows what would match and change without changing anything."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from csops.domains.rules import actions as rule_actions
from csops.domains.rules import conditions as rule_conditions
from csops.domains.rules import service
from csops.domains.rules.schemas import PreviewIn, RuleIn, RuleUpdate
from csops.errors import CsopsError, Invalid, PermissionDenied
from csops.web.deps import SessionDep
from csops.web.ui.auth import sidebar_views
from csops.web.ui.common import Page, StaffPage, problem_text
from csops.web.ui.flash import flash_redirect, redirect, show

router = APIRouter(prefix="/admin/rules")
Text = Annotated[str, Form()]
EXAMPLE_CONDITIONS = [{"field": "tier", "op": "equals", "value": "enterprise"}]
EXAMPLE_ACTIONS = [{"type": "set_priority", "value": "high"}]


def admin_page(page: StaffPage) -> Page:
    if not page.actor.is_admin:
        raise PermissionDenied("only an admin may open the admin pages")
    return page


AdminPage = Annotated[Page, Depends(admin_page)]


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text or "[]")
    except ValueError as exc:
        raise Invalid(f"the {what} are not valid JSON: {exc}") from exc


def _values(form: dict[str, str]) -> dict[str, Any]:
    position = form.get("position", "").strip()
    if position and not position.isdigit():
        raise Invalid("the position must be a whole number")
    return {
        "name": form.get("name", ""),
        "match": form.get("match") or "all",
        "conditions": _json(form.get("conditions", ""), "conditions"),
        "actions": _json(form.get("actions", ""), "actions"),
        "is_active": form.get("is_active") == "on",
        "on_create": form.get("on_create") == "on",
        "on_update": form.get("on_update") == "on",
        "stop_processing": form.get("stop_processing") == "on",
        "position": int(position) if position else None,
    }


def _help() -> dict[str, Any]:
    return {
        "fields": rule_conditions.FIELDS,
        "ops": rule_conditions.OPS,
        "action_types": rule_actions.TYPES,
    }


def _list(page: Page, session: Session, status: int = 200, **extra: Any) -> Response:
    form = extra.pop("form", None) or {
        "conditions": json.dumps(EXAMPLE_CONDITIONS, indent=2),
        "actions": json.dumps(EXAMPLE_ACTIONS, indent=2),
        "is_active": "on",
        "on_create": "on",
    }
    return show(
        page,
        "rules/list.html",
        status,
        rules=service.list_rules(session, actor=page.actor),
        views=sidebar_views(session, page),
        form=form,
        **_help(),
        **extra,
    )


def _form(
    name: str,
    match: str,
    conditions: str,
    actions: str,
    position: str,
    is_active: str,
    on_create: str,
    on_update: str,
    stop_processing: str,
) -> dict[str, str]:
    return {
        "name": name,
        "match": match,
        "conditions": conditions,
        "actions": actions,
        "position": position,
        "is_active": is_active,
        "on_create": on_create,
        "on_update": on_update,
        "stop_processing": stop_processing,
    }


@router.get("")
def rules(page: AdminPage, session: SessionDep) -> Response:
    return _list(page, session)


@router.post("")
def rule_create(
    page: AdminPage,
    session: SessionDep,
    name: Text = "",
    match: Text = "all",
    conditions: Text = "",
    actions: Text = "",
    position: Text = "",
    is_active: Text = "",
    on_create: Text = "",
    on_update: Text = "",
    stop_processing: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    form = _form(
        name, match, conditions, actions, position, is_active, on_create, on_update, stop_processing
    )
    try:
        data = RuleIn.model_validate(_values(form))
        with session.begin_nested():
            rule = service.create_rule(session, data=data, actor=page.actor)
    except (ValidationError, CsopsError) as exc:
        return _list(page, session, 422, form=form, error=problem_text(exc))
    return redirect(f"/admin/rules/{rule.id}")


def _rule_page(page: Page, session: Session, rule_id: int, **extra: Any) -> Response:
    rule = service.get_rule(session, rule_id=rule_id, actor=page.actor)
    return show(
        page,
        "rules/rule.html",
        rule=rule,
        conditions_text=json.dumps(rule.conditions, indent=2, ensure_ascii=False),
        actions_text=json.dumps(rule.actions, indent=2, ensure_ascii=False),
        views=sidebar_views(session, page),
        **_help(),
        **extra,
    )


@router.get("/{rule_id}")
def rule_detail(rule_id: int, page: AdminPage, session: SessionDep) -> Response:
    return _rule_page(page, session, rule_id)


@router.post("/{rule_id}")
def rule_update(
    rule_id: int,
    page: AdminPage,
    session: SessionDep,
    name: Text = "",
    match: Text = "all",
    conditions: Text = "",
    actions: Text = "",
    position: Text = "",
    is_active: Text = "",
    on_create: Text = "",
    on_update: Text = "",
    stop_processing: Text = "",
    csrf_token: Text = "",
) -> Response:
    page.check_csrf(csrf_token)
    service.get_rule(session, rule_id=rule_id, actor=page.actor)
    form = _form(
        name, match, conditions, actions, position, is_active, on_create, on_update, stop_processing
    )
    try:
        data = RuleUpdate.model_validate(_values(form))
        with session.begin_nested():
            service.update_rule(session, rule_id=rule_id, data=data, actor=page.actor)
    except (ValidationError, CsopsError) as exc:
        reason = problem_text(exc)
        return flash_redirect(page.request, f"/admin/rules/{rule_id}", "not-saved", reason=reason)
    return redirect(f"/admin/rules/{rule_id}")


@router.post("/{rule_id}/delete")
def rule_delete(
    rule_id: int, page: AdminPage, session: SessionDep, csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    service.delete_rule(session, rule_id=rule_id, actor=page.actor)
    return redirect("/admin/rules")


@router.post("/{rule_id}/preview")
def rule_preview(
    rule_id: int, page: AdminPage, session: SessionDep, limit: Text = "50", csrf_token: Text = ""
) -> Response:
    page.check_csrf(csrf_token)
    count = int(limit) if limit.strip().isdigit() and 0 < int(limit) <= 500 else 50
    result = service.preview(
        session, request=PreviewIn(rule_id=rule_id, limit=count), actor=page.actor
    )
    return _rule_page(page, session, rule_id, preview=result)
