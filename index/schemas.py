"""Schemas of the knowledge base files, so staff can edit YAML and get precise errors.

Every corpus file is validated against one of these models before anything is written to the
index; ``index.validation`` turns pydantic's error locations into ``file:line`` messages.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

Language = Literal["de", "en"]
PartnerKind = Literal[
    "city",
    "university",
    "research-centre",
    "institute",
    "association",
    "network",
    "programme",
    "infrastructure",
    "company",
]
Audience = Literal["newcomer", "company", "staff"]

_ROLE_MAILBOX = re.compile(r"^(mailto:)?[a-z0-9._-]+@[a-z0-9.-]+\.[a-z]{2,}$", re.I)
_PERSONAL_MAILBOX = re.compile(r"^(mailto:)?[a-z]+\.[a-z]+@", re.I)


class Strict(BaseModel):
    """Base: unknown keys are errors, because a typo in a key would silently drop data."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Bilingual(Strict):
    """A text given in German and English."""

    de: str = Field(min_length=3)
    en: str = Field(min_length=3)


class DocumentMeta(Strict):
    """Front matter of a Markdown document, or the sidecar ``*.meta.yaml`` of other formats."""

    title: str = Field(min_length=3)
    language: Language
    sources: list[HttpUrl] = Field(min_length=1)
    date: dt.date
    last_verified: dt.date | None = None
    kind: Literal["document", "guide", "article", "article-scan"] = "document"
    gap_sections: list[str] = Field(
        default_factory=list,
        description="Headings of sections that list what is NOT known; answers from them abstain.",
    )
    note: str | None = None


class ContactRoute(Strict):
    """A public way to reach an organisation: an office page or a role mailbox, never a person."""

    label: Bilingual
    url: HttpUrl | None = None
    email: str | None = None

    @field_validator("email")
    @classmethod
    def _role_mailbox_only(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if not _ROLE_MAILBOX.match(value):
            raise ValueError(f"not an e-mail address: {value!r}")
        if _PERSONAL_MAILBOX.match(value):
            raise ValueError(f"looks like a personal mailbox (first.last@): {value!r}")
        return value

    @model_validator(mode="after")
    def _needs_target(self) -> ContactRoute:
        if self.url is None and self.email is None:
            raise ValueError("a contact route needs a url or an email")
        return self


class PartnerProfile(Strict):
    """One organisation: who it is, what it works on, how to reach it publicly."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]+$")
    name: str = Field(min_length=2)
    short_name: str | None = None
    kind: PartnerKind
    founding_partner: bool = False
    parent: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9-]+$")
    description: Bilingual
    topics: list[str] = Field(min_length=1)
    location: str = Field(min_length=2)
    website: HttpUrl | None = None
    contact_routes: list[ContactRoute] = Field(default_factory=list)
    unknown: list[Bilingual] = Field(
        default_factory=list,
        description="What the sources do not say, in German and English (abstention material).",
    )
    sources: list[HttpUrl] = Field(min_length=1)
    last_verified: dt.date


class QuestionVariants(Strict):
    """Ways people ask the same question, per language."""

    de: list[str] = Field(min_length=1)
    en: list[str] = Field(min_length=1)


class FaqEntry(Strict):
    """A curated question/answer pair with an owner and an expiry date."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]+$")
    audience: list[Audience] = Field(min_length=1)
    questions: QuestionVariants
    answer: Bilingual
    known_gap: bool = Field(
        False, description="The answer says something is not publicly known (abstention)."
    )
    sources: list[HttpUrl] = Field(min_length=1)
    owner: str = Field(min_length=2)
    valid_until: dt.date


class FaqFile(Strict):
    """A FAQ file: a list of entries under ``entries``."""

    entries: list[FaqEntry] = Field(min_length=1)


class TopicSynonyms(Strict):
    """Other words for a topic, per language ("Bildverarbeitung", "image recognition")."""

    de: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)


class Topic(Strict):
    """One term of the controlled competence vocabulary, in both languages."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]+$")
    de: str = Field(min_length=2)
    en: str = Field(min_length=2)
    synonyms: TopicSynonyms = Field(default_factory=TopicSynonyms)
    # words of a need that point to the topic without naming it ("Sensordaten", "Faxe",
    # "eigene Firma aufmachen"): a company describes its problem, not the field that solves it
    needs: TopicSynonyms = Field(default_factory=TopicSynonyms)

    def terms(self) -> list[str]:
        """Labels and synonyms of both languages: every way a text may name the topic."""
        return [self.de, self.en, *self.synonyms.de, *self.synonyms.en]

    def need_terms(self) -> list[str]:
        """The need words of both languages.

        Only questions are searched for them: a profile sentence mentioning "Sensordaten"
        does not make its partner work on machine learning.
        """
        return [*self.needs.de, *self.needs.en]

    def question_terms(self) -> list[str]:
        """The names and the need words: what a question may point to the topic by."""
        return [*self.terms(), *self.need_terms()]


class TopicsFile(Strict):
    """The controlled vocabulary of competence topics."""

    topics: list[Topic] = Field(min_length=1)


class ContactFile(Strict):
    """Where to send people when the knowledge base has no answer."""

    fallback: Bilingual
    # the profile of that starting point: its card answers "whom do I contact to join?"
    partner: str | None = None
    sources: list[HttpUrl] = Field(min_length=1)
