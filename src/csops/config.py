"""Settings: the only module that reads environment variables.

Every setting has an env var `CSOPS_<NAME>`; the README's configuration table lists them.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CSOPS_", extra="ignore")

    data_dir: Path = Field(
        default=Path("var"), description="Where the SQLite database and attachments live"
    )
    database_url: str = Field(
        default="", description="SQLAlchemy URL; empty means SQLite in data_dir"
    )
    db_pool_size: int = Field(
        default=0, description="Connections per process; 0 picks 1 on SQLite, 10 on PostgreSQL"
    )
    base_url: str = Field(default="http://127.0.0.1:8000", description="Public URL used in links")
    log_format: Literal["text", "json"] = Field(default="text", description="Log line format")
    log_level: str = Field(default="INFO", description="Python log level")
    session_hours: int = Field(default=12, description="Lifetime of a login session")
    cookie_secure: bool = Field(default=False, description="Mark cookies Secure (set behind HTTPS)")
    login_max_attempts: int = Field(
        default=5, description="Failed logins allowed per window per email and IP"
    )
    login_window_seconds: int = Field(default=300, description="Window of the login rate limit")
    max_request_bytes: int = Field(
        default=8 * 1024 * 1024, description="Largest request body accepted"
    )
    max_attachment_bytes: int = Field(
        default=2 * 1024 * 1024, description="Largest single attachment"
    )
    max_attachments_per_message: int = Field(default=5, description="Attachments per message")
    max_json_depth: int = Field(default=32, description="Deepest JSON nesting accepted")
    worker_poll_seconds: float = Field(
        default=0.5, description="How often an idle worker looks for jobs"
    )
    job_lease_seconds: int = Field(
        default=60, description="How long a claimed job is leased to one worker"
    )

    secret_key: str = Field(
        default="",
        description="Key that signs links, Message-IDs and webhooks; empty: kept in data_dir/secret.key",
    )

    # Domains add their settings below, one commented block each.

    # signals
    signals_representation: Literal["tfidf", "semantic"] = Field(
        default="tfidf",
        description="Text representation for problem clusters: tfidf, or semantic (csops[semantic])",
    )
    signals_cluster_threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Cosine similarity to join a problem cluster; empty: tuned (tfidf 0.3, semantic 0.8)",
    )
    signals_sensitivity: float = Field(
        default=1.0, description="Spike detector sensitivity (higher fires on smaller bursts)"
    )
    signals_min_count: int = Field(
        default=5, description="Fewest tickets in a window before a spike can be flagged"
    )
    signals_webhook_secret: str = Field(
        default="", description="HMAC secret for alert/change webhooks (empty: tokens only)"
    )

    # SLA, CSAT
    sla_warn_percents: str = Field(
        default="75,90", description="Default SLA warning thresholds, percent of the target"
    )
    sla_internal_domains: str = Field(
        default="", description="Organization domains whose tickets count as internal requests"
    )
    csat_scale: Literal["five", "binary"] = Field(
        default="five", description="CSAT survey scale: 1-5 stars or good/bad"
    )
    csat_link_days: int = Field(default=14, description="Days a CSAT survey link stays valid")
    csat_change_days: int = Field(default=7, description="Days a CSAT answer may be changed")
    csat_bad_threshold: int = Field(
        default=2, description="Ratings at or below this open a follow-up for the team lead"
    )
    csat_followup_hours: int = Field(default=24, description="Hours to do a follow-up call")
    nps_cron: str = Field(default="0 8 * * *", description="When due NPS rounds are sent (UTC)")
    nps_link_days: int = Field(default=30, description="Days an NPS survey link stays valid")

    # journeys
    journeys_fail_threshold: int = Field(
        default=3, description="Production journey failures in a row that open an incident"
    )
    journeys_incident_severity: str = Field(
        default="SEV2", description="Severity of incidents opened by failing journeys"
    )
    journeys_excerpt_chars: int = Field(
        default=1000, description="Response excerpt kept per journey step (redacted)"
    )
    journeys_concurrency: int = Field(default=10, description="Journeys run at once by the worker")
    journeys_chromium_path: str = Field(
        default="/usr/bin/chromium", description="Chromium executable for browser steps"
    )
    journeys_keep_days: int = Field(default=90, description="Days of journey runs kept")
    journeys_background_runs: bool = Field(
        default=True, description="Worker runs journeys in a thread, outside the job's transaction"
    )

    # on-call
    oncall_coalesce_minutes: int = Field(
        default=30,
        description="Triggers for the same key/incident/service within this join one page",
    )
    oncall_default_timeout_minutes: int = Field(
        default=15, description="Escalation timeout when a page has no policy level timeout"
    )
    oncall_link_max_age_hours: int = Field(
        default=72, description="How long acknowledge/resolve links in page messages stay valid"
    )

    # notifications
    smtp_host: str = Field(default="127.0.0.1", description="SMTP server for outgoing mail")
    smtp_port: int = Field(default=25, description="SMTP server port")
    smtp_user: str = Field(default="", description="SMTP login (empty: no AUTH)")
    smtp_password: str = Field(default="", description="SMTP password")
    smtp_security: Literal["none", "starttls", "ssl"] = Field(
        default="none", description="SMTP transport security"
    )
    smtp_timeout_seconds: float = Field(default=30.0, description="SMTP connect/read timeout")
    default_from: str = Field(
        default="support@csops.invalid", description="From address of the default brand"
    )
    default_from_name: str = Field(default="Support", description="From name of the default brand")
    outbox_max_attempts: int = Field(default=8, description="Delivery attempts before dead-letter")
    outbox_backoff_base_seconds: float = Field(
        default=30.0, description="First retry delay; doubles at each attempt"
    )
    outbox_backoff_cap_seconds: float = Field(default=3600.0, description="Longest retry delay")
    webhook_timeout_seconds: float = Field(default=10.0, description="Outgoing webhook timeout")
    webhook_max_response_bytes: int = Field(
        default=1_048_576, description="Largest webhook response read"
    )
    webhook_allowed_ranges: str = Field(
        default="", description="Comma-separated CIDRs webhooks may reach despite the SSRF guard"
    )

    # channels (email)
    mail_addresses: str = Field(
        default="",
        description="Comma-separated support addresses or @domains the SMTP server accepts; empty: any",
    )
    mail_max_bytes: int = Field(
        default=10 * 1024 * 1024, description="Largest inbound email kept as a ticket"
    )
    mail_rate_limit: int = Field(
        default=20, description="Emails one sender may open or add per window; more: quarantine"
    )
    mail_rate_window_seconds: int = Field(default=3600, description="Window of the email limit")
    mail_domain: str = Field(
        default="", description="Domain of generated Message-IDs; empty: the default_from domain"
    )
    imap_mailboxes: str = Field(
        default="",
        description="IMAP mailboxes to poll, ';'-separated imaps://user:pass@host[:port]/FOLDER",
    )
    imap_after_fetch: Literal["delete", "flag"] = Field(
        default="flag", description="What IMAP polling does with a message once its ticket is saved"
    )
    imap_poll_cron: str = Field(default="* * * * *", description="When IMAP mailboxes are polled")

    # chat, intake, rules
    chat_followup_seconds: int = Field(
        default=120, description="Live chat: offer email follow-up when no agent answered in time"
    )
    chat_allowed_origins: str = Field(
        default="*", description="Origins allowed to embed the chat widget (comma-separated; *)"
    )
    webform_ip_limit: int = Field(
        default=10, description="Web-form requests accepted per IP address per window"
    )
    webform_email_limit: int = Field(
        default=5, description="Web-form requests accepted per email address per window"
    )
    webform_window_seconds: int = Field(default=3600, description="Window of the web-form limits")
    webhook_tolerance_seconds: int = Field(
        default=300, description="Inbound webhooks: accepted clock skew of webhook-timestamp"
    )

    # incidents, status page
    github_api_url: str = Field(
        default="https://api.github.com", description="GitHub REST API base URL"
    )
    github_token: str = Field(default="", description="GitHub token that may open issues")
    github_repo: str = Field(default="", description="owner/repo where incident issues open")
    github_webhook_secret: str = Field(
        default="", description="Secret of the GitHub webhook (X-Hub-Signature-256)"
    )
    jira_url: str = Field(default="", description="Jira base URL, e.g. https://x.atlassian.net")
    jira_user: str = Field(default="", description="Jira user (email) for basic auth")
    jira_token: str = Field(default="", description="Jira API token")
    jira_project: str = Field(default="", description="Jira project key for incident issues")
    jira_issue_type: str = Field(default="Bug", description="Jira issue type for incidents")
    jira_webhook_secret: str = Field(
        default="", description="Shared secret expected in the Jira webhook URL (?secret=)"
    )
    status_page_title: str = Field(default="Service status", description="Status page title")
    status_cache_seconds: float = Field(
        default=1.0, description="How often the status page cache checks for changes"
    )

    # reports
    forecast_handle_minutes: float = Field(
        default=12.0, description="Average handle time of a ticket, for the staffing hint"
    )
    forecast_hours_per_agent: float = Field(
        default=7.0, description="Productive hours of one agent per day, for the staffing hint"
    )
    forecast_occupancy: float = Field(
        default=0.8, description="Target occupancy of agents (0-1], for the staffing hint"
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'csops.db').resolve()}"

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def resolved_secret_key(self) -> bytes:
        """The signing key: CSOPS_SECRET_KEY, else one made once and kept in data_dir."""
        if self.secret_key:
            return self.secret_key.encode()
        return _stored_secret(self.data_dir.resolve())


@lru_cache
def _stored_secret(data_dir: Path) -> bytes:
    path = data_dir / "secret.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x") as f:
                f.write(secrets.token_hex(32))
            path.chmod(0o600)
        except FileExistsError:
            pass  # another process made it first; use theirs
    return path.read_text().strip().encode()


@lru_cache
def get_settings() -> Settings:
    return Settings()
