"""Typos in questions are mended with the knowledge base's words, and only typos."""

from assistant.retrieve.speller import QuerySpeller

CORPUS = [
    "Das AI Village in Hürth ist ein Innovationscampus. Der Innovationscampus ist ein Village.",
    "The Lamarr Institute gets funding until 2028; funding for Bonn. The Lamarr Institute.",
    "Forschungszentrum Jülich liegt in Jülich. Prof. Hoos leitet das Zentrum; Hoos forscht.",
    "Die Instituts-Seite nennt das Institut. Das Institut arbeitet mit der Factory.",
    "The JUPITER AI Factory started. The factory serves start-ups. Better data, better models.",
]
speller = QuerySpeller(CORPUS)


def test_a_typo_of_a_knowledge_base_word_is_mended_in_its_case() -> None:
    assert speller.mend("how much fundng does the lmarr institute get?") == (
        "how much funding does the lamarr institute get?"
    )
    assert speller.mend("Wie viel bekam das AI Vilage?") == "Wie viel bekam das AI Village?"
    assert speller.mend("JUPITER AI FACTROY") == "JUPITER AI FACTORY"


def test_an_umlaut_written_plainly_is_mended_but_not_another_ending() -> None:
    assert speller.mend("Wo liegt Julich?") == "Wo liegt Jülich?"
    assert speller.mended("Institute") is None  # the same word as "Institut"


def test_real_words_short_words_and_contractions_stay() -> None:
    """ "Wetter" is one letter from "better", but a word of its own."""
    for word in ("Wetter", "weather", "Bonn", "wasn't", "doesn't", "Zentrum"):
        assert speller.mended(word) is None, word


def test_a_mend_less_common_than_a_dictionary_word_one_edit_away_is_not_made() -> None:
    """ "hous" is "house" (or "hour"), not the corpus's "Hoos"."""
    assert speller.mended("hous") is None
    # no common word near: the corpus's word
    assert speller.mended("Innovatonscampus") == "Innovationscampus"


def test_an_ambiguous_typo_or_an_empty_index_mends_nothing() -> None:
    two = QuerySpeller(["Kante Kante Kanne Kanne"])
    assert two.mended("Kanxe") is None  # "Kante" and "Kanne" are as frequent
    assert QuerySpeller([]).mend("Wie viel bekam das AI Vilage?") == (
        "Wie viel bekam das AI Vilage?"
    )


def test_a_large_index_is_counted_beside_serving_and_mended_once_counted() -> None:
    import time

    background = QuerySpeller(CORPUS, background_above=0)
    deadline = time.monotonic() + 10
    while not background.counts and time.monotonic() < deadline:
        time.sleep(0.01)
    assert background.mend("Wo liegt Julich?") == "Wo liegt Jülich?"
