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
