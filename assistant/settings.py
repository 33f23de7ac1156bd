"""One typed settings object for the whole assistant.

Built once at start (by the CLI, the UI launcher or a test) and passed in; nothing reads the
environment anywhere else. A bad value stops the program with a message that names the
environment variable, because that is what the user has to fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "ASSISTANT_"


class SettingsError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


class Settings(BaseSettings):
    """Configuration of the assistant, read from ``ASSISTANT_*`` variables and ``.env``."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
    )

    data_dir: Path = Field(Path("data"), description="Where all generated state lives.")
    corpus_dir: Path = Field(Path("corpus"), description="The knowledge base to index.")
    collection: str = Field("alliance", min_length=3, max_length=60, pattern=r"^[A-Za-z0-9_-]+$")
    chroma_host: str | None = Field(None, description="Chroma server host; unset = embedded.")
    chroma_port: int = Field(8000, ge=1, le=65535)

    retriever: Literal["hybrid", "dense"] = Field(
        "hybrid", description="hybrid (dense + keyword + sentence rerank) or dense only."
    )
    top_k: int = Field(5, ge=1, le=50, description="Passages handed to the answer stage.")
    gate_threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Answer when the gate's probability reaches this; unset = the fitted value.",
    )
    max_question_chars: int = Field(2000, ge=10, le=100_000)
    # --- limits at the edge (SECURITY.md): every one a setting with a sane default ---
    max_history: int = Field(
        20, ge=0, le=200, description="Earlier questions kept for a follow-up (the last ones)."
    )
    max_request_bytes: int = Field(
        1_000_000, ge=10_000, le=100_000_000, description="Largest HTTP request body."
    )
    max_upload_mb: int = Field(
        20, ge=1, le=1000, description="Largest uploaded file (staff documents), megabytes."
    )
    max_document_chars: int = Field(
        2_000_000, ge=1000, le=100_000_000, description="Most text extracted from one document."
    )
    max_pdf_pages: int = Field(500, ge=1, le=100_000, description="Most pages of one PDF.")
    max_document_chunks: int = Field(
        3000, ge=1, le=1_000_000, description="Most chunks one document may add to the index."
    )
    parse_timeout: float = Field(
        30.0, gt=0, le=3600, description="Seconds one document may take to parse (in a worker)."
    )
    rate_limit: int = Field(
        60, ge=0, le=100_000, description="Questions per minute per client; 0 = no limit."
    )
    queue_size: int = Field(
        64, ge=1, le=10_000, description="Questions waiting for an answer before 'busy'."
    )
    staff_max_failures: int = Field(
        5, ge=1, le=100, description="Failed staff logins before the account is locked."
    )
    staff_lockout_minutes: float = Field(15.0, gt=0, le=10_000)
    index_poll_seconds: float = Field(
        2.0,
        ge=0,
        le=3600,
        description="How often a serving process checks whether another one changed the index "
        "(replicas on one Chroma server); 0 = never.",
    )
    chunk_chars: int = Field(900, ge=200, le=8000)
    chunk_overlap: int = Field(150, ge=0, le=2000)

    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint; unset = none.")
    llm_model: str | None = Field(None)
    llm_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("ASSISTANT_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_timeout: float = Field(20.0, gt=0, le=600)
    llm_rerank: bool = Field(False, description="Let the LLM reorder retrieved passages.")
    llm_gguf: Path | None = Field(
        None, description="A GGUF model file served in-process by llama.cpp (extra local-llm)."
    )
    llm_threads: int | None = Field(None, ge=1, le=256, description="llama.cpp threads.")
    llm_context: int = Field(4096, ge=512, le=131072, description="llama.cpp context size.")
    llm_max_tokens: int = Field(256, ge=16, le=4096, description="Longest generated answer.")

    feedback: bool = Field(
        True, description="Store asked questions, answers and ratings for staff (locally)."
    )
    feedback_retention_days: int = Field(
        180, ge=1, le=36500, description="Days asked questions and ratings are kept (pruned daily)."
    )
    stale_after_months: int = Field(
        12, ge=1, le=120, description="Partner profiles not verified for this long are stale."
    )
    stale_warn_days: int = Field(
        30, ge=0, le=3650, description="FAQ entries this close to valid_until are listed as stale."
    )
    faq_valid_months: int = Field(
        12, ge=1, le=120, description="How far 'mark verified' moves a FAQ entry's valid_until."
    )
    staff_password: SecretStr | None = Field(
        None, description="Opens the staff tab of the chat page; unset = no staff tab."
    )

    api_keys: SecretStr | None = Field(
        None,
        description="Comma-separated bearer tokens for /v1 (the OpenAI-compatible API) and "
        "/mcp; unset = open.",
    )
    widget_origins: str = Field(
        "",
        description="Comma-separated origins (https://www.example.org) whose pages may embed "
        "the chat widget and call the API from the browser; empty = same origin only.",
    )

    host: str = Field("127.0.0.1")
    port: int = Field(7860, ge=1, le=65535)

    @model_validator(mode="after")
    def _check_consistency(self) -> Settings:
        if self.chunk_overlap >= self.chunk_chars:
            raise ValueError("ASSISTANT_CHUNK_OVERLAP must be smaller than ASSISTANT_CHUNK_CHARS")
        if self.llm_base_url and not self.llm_model:
            raise ValueError("ASSISTANT_LLM_MODEL must be set when ASSISTANT_LLM_BASE_URL is set")
        if self.llm_gguf and self.llm_base_url:
            raise ValueError("set ASSISTANT_LLM_GGUF or ASSISTANT_LLM_BASE_URL, not both")
        return self

    @property
    def llm_configured(self) -> bool:
        """True when an LLM endpoint is configured, which switches the answer mode."""
        return bool(self.llm_model or self.llm_gguf)

    @property
    def api_tokens(self) -> frozenset[str]:
        """The accepted bearer tokens (empty: the API needs none)."""
        raw = self.api_keys.get_secret_value() if self.api_keys else ""
        return frozenset(t.strip() for t in raw.split(",") if t.strip())

    @property
    def allowed_origins(self) -> list[str]:
        """The other origins allowed to call this server from a browser (CORS)."""
        return [o.strip().rstrip("/") for o in self.widget_origins.split(",") if o.strip()]

    @property
    def chroma_dir(self) -> Path:
        """Directory of the embedded Chroma database."""
        return self.data_dir / "chroma"

    @property
    def staff_path(self) -> Path:
        """SQLite file of staff accounts, login attempts and the audit log of corpus changes."""
        return self.data_dir / "staff.sqlite"

    @property
    def feedback_path(self) -> Path:
        """SQLite file of asked questions and ratings (``assistant.feedback``)."""
        return self.data_dir / "feedback.sqlite"

    @property
    def embedding_cache_path(self) -> Path:
        """SQLite file holding cached embeddings, so unchanged text is never re-embedded."""
        return self.data_dir / "embeddings.sqlite"


def load_settings(**overrides: Any) -> Settings:
    """Build and validate the settings, turning pydantic errors into one readable message.

    Overrides are for the CLI (``--corpus``) and tests; they win over the environment.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(part) for part in err["loc"])
            name = f"{ENV_PREFIX}{loc.upper()}" if loc else "settings"
            value = err.get("input")
            shown = "" if isinstance(value, dict) else f" (got {value!r})"
            problems.append(f"{name}: {err['msg']}{shown}")
        raise SettingsError("invalid configuration: " + "; ".join(problems)) from None
