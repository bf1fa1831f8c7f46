"""Typed settings: defaults, then ``settings.toml`` in the config directory, then ``INBURGERING_*``.

The config file lives in the platform's config directory (``INBURGERING_CONFIG`` overrides the
path) and holds no personal data.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from inburgering_tui.domain.deadlines import LocalPractice
from inburgering_tui.i18n.bidi import BidiMode
from inburgering_tui.i18n.catalogs import UI_LANGUAGES
from inburgering_tui.package_data import forms_dir


def config_path() -> Path:
    override = os.environ.get("INBURGERING_CONFIG")
    return Path(override) if override else user_config_path("inburgering") / "settings.toml"


def default_forms_dir() -> Path:
    return forms_dir()


class Municipality(BaseModel):
    """The letterhead and the bezwaar address of the PIP beschikking."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field("Gemeente Voorbeeld", description="The municipality's name.")
    address: str = Field("Postbus 1, 1000 AA Voorbeeld", description="Postal address.")
    phone: str = Field("14 000", description="Telephone number for questions.")
    email: str = Field("inburgering@voorbeeld.nl", description="E-mail for questions.")
    bezwaar_to: str = Field(
        "Het college van burgemeester en wethouders, Postbus 1, 1000 AA Voorbeeld",
        description="Where a bezwaar (objection) is sent (Awb 6:4).",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="INBURGERING_", env_nested_delimiter="__", extra="ignore"
    )

    ui_language: str = Field("nl", description="Language of the consultant's screens: nl or en.")
    idle_lock_minutes: float = Field(
        5.0, gt=0, description="Lock the store after this many minutes without a key press."
    )
    consultant: str = Field(
        "", description="Name recorded as the actor in the audit log and on new cases."
    )
    forms_dir: Path = Field(
        default_factory=default_forms_dir, description="Folder with the interview forms (TOML)."
    )
    intake_form: str = Field("brede-intake", description="Form id of the brede intake.")
    exports_dir: Path = Field(
        Path("exports"), description="Where PDFs are written unless a path is given."
    )
    database_url: str = Field(
        "",
        description="Back office: a PostgreSQL URL (postgresql://...); empty = the encrypted store in the data directory.",
    )
    sync_retention_days: int | None = Field(
        None,
        ge=0,
        description="Laptop: remove a case this many days after the back office confirmed it (unchanged since); empty = never.",
    )
    attachment_max_mib: float = Field(
        10.0,
        gt=0,
        le=1024,
        description="Largest document (PDF, JPEG, PNG) that may be attached to a case, in MiB.",
    )
    bidi: BidiMode = Field(
        BidiMode.AUTO,
        description="Who reorders right-to-left text: auto, app (xterm, tmux) or terminal (VTE, Konsole).",
    )
    local_practice: LocalPractice = Field(
        default_factory=LocalPractice,
        description="Municipal deadline choices ([local_practice] in the file), see DOMAIN.md.",
    )
    municipality: Municipality = Field(
        default_factory=Municipality, description="Letterhead of the PIP ([municipality])."
    )
    keymap: dict[str, str] = Field(
        default_factory=dict,
        description="Remapped keys by binding id, e.g. {'intake.next_domain' = 'f6'}.",
    )

    @property
    def attachment_max_bytes(self) -> int:
        return int(self.attachment_max_mib * 1024**2)

    @field_validator("ui_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in UI_LANGUAGES:
            raise ValueError(f"ui_language must be one of {', '.join(UI_LANGUAGES)}")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_path())
        return (init_settings, env_settings, toml)
