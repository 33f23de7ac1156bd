from pathlib import Path

import pytest

from assistant.settings import SettingsError, load_settings


def test_defaults_are_offline_and_local() -> None:
    settings = load_settings()
    assert not settings.llm_configured
    assert settings.chroma_host is None
    assert settings.chroma_dir.name == "chroma"


def test_environment_values_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_TOP_K", "7")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", "/tmp/somewhere")
    settings = load_settings()
    assert settings.top_k == 7
    assert settings.data_dir == Path("/tmp/somewhere")


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ASSISTANT_TOP_K=9\n")
    assert load_settings().top_k == 9


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ASSISTANT_TOP_K", "many"),
        ("ASSISTANT_TOP_K", "0"),
        ("ASSISTANT_GATE_THRESHOLD", "1.5"),
        ("ASSISTANT_PORT", "70000"),
        ("ASSISTANT_COLLECTION", "has space"),
    ],
)
def test_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert name in str(err.value)
    assert repr(value) in str(err.value)


def test_base_url_without_model_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_LLM_BASE_URL", "http://localhost:11434/v1")
    with pytest.raises(SettingsError, match="ASSISTANT_LLM_MODEL"):
        load_settings()


def test_openai_api_key_is_accepted_as_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    settings = load_settings()
    assert settings.llm_api_key is not None
    assert settings.llm_api_key.get_secret_value() == "sk-test"
