"""Partner directory and list answers: vocabulary, search, list questions (unit and real corpus)."""

from pathlib import Path

import pytest

from assistant.partners.directory import Directory, aliases
from assistant.partners.listing import PartnerLister, asks_for_partners, learning_ai
from assistant.partners.vocabulary import TopicVocabulary, find_kinds
from assistant.pipeline import Assistant
from assistant.retrieve.retriever import build_filter
from assistant.settings import load_settings
from assistant.wiring import build_assistant
from index.loaders import load_corpus
from index.schemas import PartnerProfile, Topic, TopicsFile
from tests.conftest import REAL_CORPUS

TOPICS = TopicsFile.model_validate(
    {
        "topics": [
            {
                "id": "robotics",
                "de": "Robotik",
                "en": "Robotics",
                "synonyms": {"de": ["Roboter"], "en": ["robots"]},
                "needs": {"de": ["Greifarm"], "en": ["gripper", "teach"]},
            },
            {
                "id": "medical-ai",
                "de": "KI in der Medizin",
                "en": "Medical AI",
                "synonyms": {"de": ["Medizinrobotik"], "en": ["medical robotics"]},
            },
            {
                "id": "computer-vision",
                "de": "Bildverarbeitung",
                "en": "Computer vision",
                "synonyms": {"de": ["Bilderkennung"], "en": ["image recognition"]},
            },
            {
                "id": "hpc",
                "de": "Hochleistungsrechnen",
                "en": "High-performance computing",
                "synonyms": {"de": ["Supercomputer"], "en": ["supercomputing"]},
                "needs": {"de": ["größerer Rechner"], "en": ["bigger machine"]},
            },
            {
                "id": "sme-support",
                "de": "Mittelstandsförderung",
                "en": "SME support",
                "synonyms": {"de": ["KMU"], "en": ["SMEs"]},
                "needs": {"de": ["Familienbetrieb"], "en": ["family business"]},
            },
            {
                "id": "education",
                "de": "Weiterbildung",
                "en": "Training",
                "synonyms": {"de": ["Schulungen"], "en": ["training courses"]},
                "needs": {"de": [], "en": ["train our staff"]},
            },
        ]
    }
)


def profile(id: str, kind: str, topics: list[str], de: str, en: str, **extra) -> PartnerProfile:
    return PartnerProfile.model_validate(
        {
            "id": id,
            "name": extra.pop("name", id.title()),
            "kind": kind,
            "topics": topics,
            "description": {"de": de, "en": en},
            "location": "Aachen",
            "website": f"https://example.org/{id}",
            "sources": ["https://example.org"],
            "last_verified": "2026-11-27",
            **extra,
        }
    )


def vocabulary_of(*topics: dict) -> TopicVocabulary:
    """A topic vocabulary of the given topics (``topics.yaml`` entries)."""
    return TopicVocabulary(TopicsFile.model_validate({"topics": list(topics)}))


def lister_over(topics: list[tuple[str, str, str]], *profiles: PartnerProfile) -> PartnerLister:
    """A lister over the given (id, German, English) topics and profiles."""
    vocabulary = vocabulary_of(*({"id": i, "de": de, "en": en} for i, de, en in topics))
    d = Directory(vocabulary)
    d.profiles = {p.id: p for p in profiles}
    return PartnerLister(d)


@pytest.fixture
def directory() -> Directory:
    d = Directory(TopicsFile and TopicVocabulary(TOPICS))
    d.profiles = {
        p.id: p
        for p in [
            profile(
                "uni",
                "university",
                ["robotics"],
                "Eine Hochschule mit Robotik.",
                "A university with robotics.",
                founding_partner=True,
            ),
            profile(
                "lab",
                "institute",
                ["hpc", "robotics"],
                "Betreibt Supercomputer; baut auch Roboter.",
                "Runs supercomputers; also builds robots.",
            ),
            profile(
                "clinic",
                "institute",
                ["medical-ai"],
                "Forscht zu Medizinrobotik.",
                "Researches medical robotics.",
                name="Clinic Lab Aachen",
            ),
        ]
    }
    return d


def test_topics_are_found_by_label_synonym_inflection_compound_and_typo() -> None:
    vocabulary = TopicVocabulary(TOPICS)
    assert vocabulary.find("Welche Partner bauen Robotern?") == ["robotics"]
    assert vocabulary.find("Bildverarbeitungssysteme für die Produktion") == ["computer-vision"]
    assert vocabulary.find("robotk partner?") == ["robotics"]  # one letter off
    assert vocabulary.find("Wer macht Bildverabreitung?") == ["computer-vision"]  # swapped
    assert vocabulary.find("Who works on medical robotics?") == ["medical-ai"]  # not robotics too
    assert vocabulary.find("Wie wird das Wetter?") == []


def test_the_company_the_asker_speaks_for_is_not_the_organisation_asked_for() -> None:
    assert not asks_for_partners(
        "Wann lohnt sich welcher Ansatz für ein mittelständisches Unternehmen?"
    )
    assert asks_for_partners("Which partner is suitable for a small company?")
    assert asks_for_partners("Welche Unternehmen sind Mitglied?")


def test_training_a_model_is_not_training_people() -> None:
    vocabulary = TopicVocabulary(TOPICS)
    assert vocabulary.find("Where can I get GPU time to train a large model?") == []
    assert vocabulary.find("one training run takes weeks, who can help?") == []
    assert vocabulary.find("We want to train our staff in AI.") == ["education"]
    assert vocabulary.find("AI training courses for employees") == ["education"]
    assert vocabulary.find("Training für rund 50 Mitarbeitende") == ["education"]  # "rund"


def test_words_for_kinds_or_founders_are_not_taken_for_typos_of_topics() -> None:
    funding = TopicsFile.model_validate(
        {"topics": [{"id": "sme-support", "de": "Förderung", "en": "funding"}]}
    )
    vocabulary = TopicVocabulary(funding)
    assert vocabulary.find("Which of the founding partners work on robotics?") == []
    assert vocabulary.find("Who offers fundng?") == ["sme-support"]  # a typo still is one


def test_a_word_one_topic_names_whole_is_not_another_topic_by_its_part() -> None:
    vocabulary = vocabulary_of(
        {"id": "startups", "de": "Gründungsberatung", "en": "start-ups"},
        {"id": "sme-support", "de": "Beratung", "en": "advice"},
    )
    assert vocabulary.find("Gründungsberatung für ein Startup") == ["startups"]
    assert vocabulary.find("Gründungsberatung und Beratung") == ["startups", "sme-support"]


def test_kinds_count_only_when_asked_for() -> None:
    assert find_kinds("Welche Hochschulen sind dabei?") == ["university"]
    # a kind named beside an asked one is asked for too
    assert find_kinds("Which universities and institutes take part?") == ["university", "institute"]
    assert find_kinds("Welche Vereine oder Netzwerke sind dabei?") == ["association", "network"]
    assert find_kinds("Welche Städte oder Kommunen sind Partner?") == ["city"]  # plurals too
    assert find_kinds("Which research facilities take part?") == ["infrastructure"]
    assert find_kinds("Welche Forschungsinstitute sind dabei?") == ["institute"]
    assert find_kinds("Which research centres are in the network?") == ["research-centre"]
    # research institutions in general are the centres and the institutes
    assert find_kinds("Welche Forschungseinrichtungen sind dabei?") == [
        "research-centre",
        "institute",
    ]
    assert find_kinds("We are a medtech company looking for a partner") == []
    assert find_kinds("Which partners work on smart city topics?") == []
    # the organisations helped are not the kind asked for
    assert find_kinds("Which partners help companies with their digital transformation?") == []
    assert find_kinds("Welche Förderprogramme gibt es für kleine Unternehmen?") == ["programme"]
    assert find_kinds("Sind auch Vereine oder Verbände bei der Allianz dabei?") == ["association"]
    assert find_kinds("Which public bodies are part of the alliance?") == ["city"]
    assert find_kinds("Welche öffentlichen Stellen oder Behörden sind Partner?") == ["city"]
    # "which of the partners are X", "list the X": asked for too
    assert find_kinds("Which of the partners are associations?") == ["association"]
    assert find_kinds("Welche der Partner sind Programme?") == ["programme"]
    assert find_kinds("List the institutes among the alliance partners.") == ["institute"]
    assert find_kinds("Nenne mir alle Vereine der Allianz") == ["association"]
    assert find_kinds("What is the name of the MASKOR institute?") == []
    # "are any of the partners X"
    assert find_kinds("Are any of the partners registered associations?") == ["association"]
    assert find_kinds("Ist einer der Partner ein Verein?") == ["association"]
    assert find_kinds("Is one of your institutes near Bonn?") == []
    # a platform is a network ("Kompetenzplattform")
    assert find_kinds("Which statewide programmes or platforms take part?") == [
        "network",
        "programme",
    ]


def test_colloquial_partner_searches_are_read(directory: Directory) -> None:
    """A dropped g, "whos", "sum help w/": how people type into a chat."""
    assert asks_for_partners("whos doin the robotics stuff in aachen?")
    request = PartnerLister(directory).request("need sum help w/ robots, anyone??")
    assert request is not None and request.topics == ["robotics"]


@pytest.mark.parametrize(
    ("question", "listing"),
    [
        ("Which partners work on robotics?", True),
        ("Welche Hochschulen forschen zu Robotik?", True),
        ("robotik partner?", True),
        ("Wir suchen einen Partner für Bildverarbeitung", True),
        ("An wen kann ich mich wenden?", True),
        # whom, in the other cases and wordings people use
        ("Bei wem bekomme ich Rechenzeit?", True),
        ("Zu wem gehe ich mit einer Frage zur Cloud?", True),
        ("Who can I approach about trustworthy AI?", True),
        ("Gibt es hier Know-how zu Sprachmodellen?", True),
        ("Is anybody in the network doing medical AI?", True),
        ("Kann mir jemand bei der Digitalisierung helfen?", True),
        ("Who is doing quantum computing?", True),
        ("hey, who here is into deep learning stuff?", True),
        ("Where should I turn for help with the digital transformation?", True),
        ("Wohin wende ich mich, wenn ich ein Spin-off gründen will?", True),
        ("Gibt's hier Leute, die sich mit Drohnen beschäftigen?", True),
        ("Wer kümmert sich um vertrauenswürdige KI?", True),
        # one typo in the word the question hangs on
        ("wich partner does energy research?", True),
        ("Ansprechpartenr für Robotik gesucht", True),
        ("Welche Termine gibt es im Juni?", False),
        ("Kennt sich jemand in der Allianz mit neuromorphen Chips aus?", True),
        ("Wer hat Erfahrung mit Bilderkennung?", True),
        ("Who has experience with LLMs?", True),
        ("I'm looking for someone who knows about autonomous vehicles", True),
        ("Who founded the alliance?", False),
        ("Wem gehört das Rechenzentrum?", False),
        ("Wann wurde die Allianz gegründet?", False),
        ("Wer leitet das KI-Center?", False),
        ("did the partners sign some kind of agreement?", False),
        # who they are, whom to reach, in more wordings
        ("Wer sind eigentlich die Gründungspartner der Allianz?", True),
        ("Which of the founding partners work on robotics?", True),
        ("Kennt ihr zufällig wen, der Roboter baut?", True),
        ("Who's the right person to reach about supercomputing?", True),
        ("An wen wende ich mich bei Fragen zu Robotik?", True),
        ("Who should I get in touch with about robotics?", True),
        ("So who in the alliance is actually into robotics?", True),
        ("An welchen Unis kann man Robotik studieren?", True),
        ("Gibt es in der AI Alliance Aachen einen Partner für Robotik?", True),
        ("Gibt's hier Leute, die sich mit Drohnen und Luftmobilität beschäftigen?", True),
        ("Who is the mayor of Aachen?", False),
        # what is not a search for partners, though it names an organisation or a topic
        ("Gibt es an der Uni einen Parkplatz?", False),
        ("Is there a deadline for the funding programme?", False),
        ("Who invested into the supercomputer?", False),
        ("Who is responsible for funding decisions in the alliance?", False),
        ("Wer ist die Oberbürgermeisterin?", False),
        # who can help with a need, where to get support
        ("Wer kann unseren Leuten das beibringen?", True),
        ("Who can guide us?", True),
        ("Who could introduce us to a young software company?", True),
        ("Okay, who's got the big number-crunching machines around here?", True),
        ("Zwei Ingenieure wollen gründen. Wo bekommen sie Unterstützung?", True),
        ("Where can we get advice on using AI?", True),
        ("Gibt es in der AI Alliance einen Partner, der zu KI in der Medizin arbeitet?", True),
        ("What infrastructure facilities does the network include?", True),
        ("Technologietransfer – wer ist da in der Allianz aktiv", True),
        ("Smart City – wer ist da unterwegs?", True),
        ("Who uses AI for the energy transition?", True),
        # "where" asks for places, slides, tickets, registrations more often than for partners
        ("Where can I eat near Aachen City Hall?", False),
        ("Who can teach me about the AI Alliance?", False),
        ("Wo kann ich mich für den Workshop anmelden?", False),
        ("Where can I get the slides of the robotics talk?", False),
        ("Wo finde ich die Datenschutzerklärung?", False),
        # formal requests and someone to talk to
        ("Für Hinweise auf geeignete Ansprechpartner wären wir Ihnen dankbar.", True),
        ("We would be grateful if you could point us to the relevant partners.", True),
        ("I'd like to talk to someone about explainable AI.", True),
        ("Ich würde gern mit jemandem über Open Data sprechen.", True),
        ("Gibt es in der Allianz jemanden, über den man an Rechenzeit kommt?", True),
        ("Any pointers if I want to be put in touch with other companies?", True),
        ("Sind auch Vereine oder Verbände bei der Allianz dabei?", True),
        ("uh who do i bug if i need like a ton of gpus lol", True),
        (
            "sag mal gibts bei euch jemand der sich mit drohnen oder autos auskennt",
            True,
        ),
        ("Was für Einrichtungen sind in der Allianz?", True),
        ("What is the AAA?", False),
        ("What research does the university do on robots?", False),
        ("Wer kann Mitglied werden?", False),
        ("Where can I find the agenda of the launch event?", False),
        # "wer" and the verb in different clauses: who is liable, not who builds cars
        ("Wer haftet, wenn ein selbstfahrendes Auto einen Unfall baut?", False),
        ("Wer baut selbstfahrende Autos?", True),
        # asking the partners themselves (partner_probes17)
        ("Wer von euch kann gut optimieren?", True),
        ("Which of you works with drones?", True),
    ],
)
def test_list_questions_are_recognised(question: str, listing: bool) -> None:
    assert asks_for_partners(question) is listing


def test_list_answer_names_every_matching_partner_once_with_reason_and_contact(
    directory: Directory,
) -> None:
    answer = PartnerLister(directory).answer("Which partners work on robotics?", "en", "ASK US")
    assert answer is not None and not answer.abstained
    # founding partner first; a profile naming the topic without listing it is not on the list
    # (the clinic's "medical robotics": its listed topic is medical AI)
    assert answer.partners is not None and answer.partners[0] == "uni"
    assert set(answer.partners) == {"uni", "lab"}
    assert len(set(answer.partners)) == len(answer.partners)
    assert [c.source for c in answer.citations][0] == "partners/uni.yaml"
    lab = answer.partners.index("lab")
    assert "builds robots" in answer.citations[lab].snippet  # the sentence that says so
    assert "https://example.org/uni" in answer.answer  # its public contact route


def test_a_sentence_naming_two_asked_topics_is_quoted_once(directory: Directory) -> None:
    answer = PartnerLister(directory).answer(
        "Which partners work on supercomputing and robots?", "en", "ASK US"
    )
    assert answer is not None and answer.partners == ["lab"]  # the only one covering both
    assert answer.answer.count("Runs supercomputers; also builds robots") == 1


def test_separate_needs_list_every_partner_covering_either(directory: Directory) -> None:
    """ "X, and who on Y" or "X or Y" asks for two lists, not for partners covering both."""
    lister = PartnerLister(directory)
    for question in (
        "Who works on supercomputing, and who on robots?",
        "Which partners work on supercomputing or robots?",
        "Which partners work on supercomputing, and which ones work on robots?",
        "Welche Partner arbeiten an Supercomputern, und welche arbeiten an Robotern?",
    ):
        answer = lister.answer(question, "en", "ASK US")
        assert answer is not None and answer.partners is not None
        assert answer.partners[0] == "lab"  # covers both, so first
        assert {"lab", "uni"} <= set(answer.partners)


def test_a_few_keywords_naming_a_topic_search_the_partners(directory: Directory) -> None:
    lister = PartnerLister(directory)
    found = lister.answer("robotik partner aachen", "de", "FRAG UNS")
    assert found is not None and found.partners is not None and "uni" in found.partners
    assert lister.answer("Roboter Forschung", "de", "") is not None
    assert lister.answer("Robotik Aachen?", "de", "") is not None  # a search with a "?"
    assert lister.answer("Robotik Roboter robots", "de", "") is not None  # all name one topic
    # every partner works on AI: "KI" says nothing about the topic searched
    assert lister.answer("Roboter künstliche Intelligenz Aachen", "de", "") is not None
    assert lister.answer("Was ist Robotik?", "de", "") is None  # a question, not a search
    assert lister.answer("What are supercomputers?", "en", "") is None
    # keywords asking for an attribute, or with more than one word beside the topic, are a
    # fact asked in keywords: the ordinary answer takes them
    assert lister.answer("Webseite Robotik", "de", "") is None
    assert lister.answer("Robotik Budget Anzahl", "de", "") is None
    assert lister.answer("Robotik? Wann beginnt das Semester", "de", "") is None


def test_looking_for_a_named_topic_is_a_partner_search(directory: Directory) -> None:
    lister = PartnerLister(directory)
    found = lister.answer("Wir suchen Hilfe bei der Robotik", "de", "")
    assert found is not None and found.partners is not None and "uni" in found.partners
    assert lister.answer("Do we need to pay for supercomputing?", "en", "") is None
    assert lister.answer("I wanted to know when the robotics course starts", "en", "") is None
    assert lister.answer("Wie kann ich in den Unterlagen nach Robotik suchen?", "de", "") is None


def test_where_to_find_a_named_topic_is_a_search_but_not_where_to_buy(directory: Directory) -> None:
    """ "Wo finde ich einen Co-Working-Platz?" names a topic (start-ups), no technology."""
    lister = PartnerLister(directory)
    where = lister.request("Where can I find robotics courses in Aachen?")
    assert where is not None and where.topics == ["robotics"]
    assert lister.request("Where can I buy a robotics kit for my son?") is None
    assert lister.request("Wo finde ich die Pressemitteilung?") is None  # no topic
    # the where-clause may follow a greeting or the need, not any other sentence
    after = lister.request("moin, brauch nen robotik kurs, wo krieg ich sowas her?")
    assert after is not None and after.topics == ["robotics"]
    greeted = lister.request("Hallo wo finde ich Robotik-Kurse?")
    assert greeted is not None and greeted.topics == ["robotics"]
    assert lister.request("Wir bauen Roboter. Wo finde ich die Pressemitteilung?") is None


def test_who_invented_or_whom_to_bet_on_asks_no_partner() -> None:
    assert asks_for_partners("Wer hat das im Angebot?")
    assert not asks_for_partners("Wer hat das erste künstliche neuronale Netz erfunden?")
    assert asks_for_partners("Who should we contact about robotics?")
    assert not asks_for_partners("Can AI predict tonight's match? Who should I bet on?")


def test_joining_the_alliance_is_no_search_for_the_asker_s_topic(directory: Directory) -> None:
    """How to join is for the FAQ, whatever the asker works on; their topic is context."""
    lister = PartnerLister(directory)
    assert lister.request("Wir bauen Roboter. Welcher Partner hilft uns?") is not None
    joining = (
        "Wir bauen Roboter und würden gern bei der AI Alliance Aachen mitmachen. An wen wende "
        "ich mich?",
        "We build robots: how can we join the alliance, and whom do we contact?",
        "Unsere Robotik-Firma möchte der Allianz beitreten. Wer hilft uns?",
        "Wie kann sich unsere Robotik-Firma an der AI Alliance Aachen beteiligen?",
        "Can our robotics firm participate in the alliance?",
        "Wie werden wir als Roboterbauer Teil der Allianz?",
    )
    for question in joining:
        assert lister.request(question) is None, question
        # nor does the pointer to the topics the profiles name replace the FAQ's answer
        assert lister.no_topic(question, "de", "ROUTE") is None, question
    # nor a refusal of programming help
    assert lister.no_topic("Who can help me write a PyTorch training loop?", "en", "") is None
    # reaching someone in the alliance, or networks one could join, are searches
    assert lister.request("How do I get in touch with someone working on robots in the alliance?")
    assert lister.request("Which robotics institutes take part in the alliance?")


def test_and_which_of_them_is_not_two_needs(directory: Directory) -> None:
    request = PartnerLister(directory).request(
        "Which partners work on robotics and supercomputing, and which of them are founders?"
    )
    assert request is not None and not request.any_of


def test_and_who_asks_two_needs(directory: Directory) -> None:
    """ "Wer arbeitet an X, und wer an Y?" asks two questions: partners of either topic."""
    request = PartnerLister(directory).request(
        "Wer arbeitet an Robotik, und wer an Hochleistungsrechnen?"
    )
    assert request is not None and request.any_of
    # "und wer davon" asks which of the same partners
    same = PartnerLister(directory).request(
        "Welche Partner arbeiten an Robotik und HPC, und wer davon sitzt in Aachen?"
    )
    assert same is not None and not same.any_of


def test_and_for_inside_a_word_is_not_two_needs(directory: Directory) -> None:
    request = PartnerLister(directory).request("Which partners meet the demand for robots?")
    assert request is not None and not request.any_of


def test_who_brings_two_parties_together_asks_for_matchmaking_alone() -> None:
    """The parties named are who is connected, not topics a partner must also work on."""
    startups = {"de": ["Startups"], "en": ["startups"]}
    d = Directory(
        vocabulary_of(
            {"id": "matchmaking", "de": "Matchmaking", "en": "Matchmaking"},
            {"id": "robotics", "de": "Robotik", "en": "robotics"},
            {"id": "startups", "de": "Start-ups", "en": "Start-ups", "synonyms": startups},
        )
    )
    hub = profile("hub", "association", ["matchmaking"], "Ein Hub.", "A hub.")
    incubator = profile("incubator", "programme", ["startups"], "Ein Inkubator.", "An incubator.")
    d.profiles = {"hub": hub, "incubator": incubator}
    lister = PartnerLister(d)
    for question in (
        "Wer bringt bei euch Mittelständler und Start-ups zusammen?",
        "Wen frage ich, wenn ich als Start-up mit Mittelständlern in Kontakt kommen will?",
        "Who could connect us with a start-up that builds prototypes?",
    ):
        request = lister.request(question)
        assert request is not None and request.topics == ["matchmaking"], question
    # without bringing anyone together, start-ups are the topic
    request = lister.request("Welche Partner unterstützen Start-ups?")
    assert request is not None and request.topics == ["startups"]
    # being put in touch with someone of a topic still asks for that topic
    robots = lister.request("Could you connect us with a partner working on robotics?")
    assert robots is not None and "robotics" in robots.topics


def test_a_start_up_asking_is_who_asks_not_a_topic_to_match_too() -> None:
    """ "GPU time for my start-up" asks for computing; start-up support only when founding."""
    lister = lister_over(
        [("hpc", "Hochleistungsrechnen", "GPU time"), ("startups", "Start-ups", "start-up")],
        profile("lab", "institute", ["hpc"], "Rechnet.", "Computes."),
        profile("incubator", "programme", ["startups"], "Ein Inkubator.", "An incubator."),
    )
    for question in (
        "Where can I get GPU time to train a large model for my start-up?",
        "We're a four-person start-up and need GPU time. Who can help?",
    ):
        request = lister.request(question)
        assert request is not None and request.topics == ["hpc"], question
    founding = lister.request("Who helps with GPU time and with founding our start-up?")
    assert founding is not None and set(founding.topics) == {"hpc", "startups"}


def test_people_learning_ai_ask_for_education_alone() -> None:
    """What a course teaches in general is not a second topic; a field of its own is."""
    both = ["machine-learning", "education"]
    question = "Our 300 engineers never used machine learning. Who runs courses for them?"
    assert learning_ai(question, both) == ["education"]
    assert learning_ai("Wer schult unsere Belegschaft zu KI?", both) == ["education"]
    # nobody to learn: a course of machine learning research stays both
    assert learning_ai("Who offers machine learning courses?", both) == both
    # research asked besides
    assert learning_ai("Which partners research machine learning and train students?", both) == both
    # a field of its own stays: students who want to go into robotics
    assert learning_ai("Where can students learn robotics?", ["robotics", "education"]) == [
        "robotics",
        "education",
    ]


def test_two_needs_joined_by_and_for_list_partners_covering_either(directory: Directory) -> None:
    answer = PartnerLister(directory).answer(
        "Who can we contact for robotics and for supercomputing?", "en", ""
    )
    assert answer is not None and answer.partners is not None
    assert {"uni", "lab"} <= set(answer.partners)


def test_need_words_point_to_a_topic_in_questions_about_ai_data_or_software(
    directory: Directory,
) -> None:
    """A company names its problem ("a far bigger machine"), not the field that solves it."""
    lister = PartnerLister(directory)
    found = lister.answer("Our model training needs a bigger machine. Who can help?", "en", "")
    assert found is not None and found.partners == ["lab"]
    greifarm = lister.answer("Wer kann uns einen Greifarm mit KI bauen?", "de", "")
    assert greifarm is not None and greifarm.partners and "uni" in greifarm.partners
    # without AI, data, software or production in the question one need word is not enough,
    # two are: a family business moving house is no SME support
    assert lister.request("Wer hilft unserem Familienbetrieb beim Umzug?") is None
    two = lister.request("Unser Familienbetrieb, eine family business, sucht Hilfe. Wer hilft?")
    assert two is not None and two.topics == ["sme-support"]
    # need words are matched as written: "reach" is not "teach" mistyped
    assert directory.vocabulary.find("Who can I reach about AI?") == []


def test_need_words_count_as_written_and_not_in_everyday_questions(directory: Directory) -> None:
    """No stems, compounds or typos for need words; the alliance's name is no technical word."""
    vocabulary = directory.vocabulary
    assert vocabulary.find("Wer baut Greifarme?") == []  # "Greifarm" as written only
    assert vocabulary.find("Who builds a gripper?") == ["robotics"]
    assert vocabulary.find("Who builds grippers?") == []
    lister = PartnerLister(directory)
    assert lister.request("Who can lend us a gripper for the AI Alliance party?") is None
    assert lister.request("Who can help our AI team with a gripper?") is not None


def test_training_next_to_computing_is_training_models(directory: Directory) -> None:
    """ "Supercomputing for training our models" does not ask for education partners."""
    directory.vocabulary.topics["education"] = Topic.model_validate(
        {
            "id": "education",
            "de": "Weiterbildung",
            "en": "education",
            "synonyms": {"en": ["training"]},
        }
    )
    lister = PartnerLister(directory)
    request = lister.request("Which partners offer supercomputing for training our models?")
    assert request is not None and request.topics == ["hpc"]
    staff = lister.request("Which partners offer training for our staff?")
    assert staff is not None and staff.topics == ["education"]
    both = lister.request("Which partners offer supercomputing training for our staff?")
    assert both is not None and both.topics == ["hpc", "education"]


def test_need_words_are_not_searched_for_in_profiles(directory: Directory) -> None:
    """A profile mentioning a gripper does not make its partner work on robotics."""
    assert directory.vocabulary.named_in("robotics", "Wir entwickeln Roboter.")
    assert not directory.vocabulary.named_in("robotics", "Unser Greifarm ist blau.")
    assert directory.vocabulary.by_one_need_word("Wer baut einen Greifarm?") == {"robotics"}
    assert directory.vocabulary.by_one_need_word("Wer baut Roboter mit Greifarm?") == set()


def test_sme_support_beside_another_topic_ranks_and_does_not_filter(
    directory: Directory,
) -> None:
    """ "Robots for our family business": the robotics partners, SME supporters first."""
    directory.profiles["hub"] = profile(
        "hub", "association", ["sme-support", "robotics"], "Berät KMU.", "Advises SMEs."
    )
    directory.profiles["chamber"] = profile(
        "chamber", "association", ["sme-support"], "Für KMU.", "For SMEs."
    )
    lister = PartnerLister(directory)
    answer = lister.answer("Which partners help SMEs with robotics?", "en", "")
    assert answer is not None and answer.partners is not None
    assert answer.partners[0] == "hub"  # covers both
    assert {"uni", "lab"} <= set(answer.partners)  # robotics without SME support
    assert "chamber" not in answer.partners  # SME support without robotics
    alone = lister.answer("Which partners support SMEs?", "en", "")
    assert alone is not None and set(alone.partners or []) == {"hub", "chamber"}


def test_sme_support_is_covered_only_by_partners_listing_it(directory: Directory) -> None:
    """A profile naming SMEs in passing does not offer SME support: those words are in any
    profile (the corpus's RWTH and Lamarr Institute are "funded", a synonym's stem)."""
    directory.profiles["hub"] = profile(
        "hub", "association", ["sme-support"], "Berät KMU.", "Advises SMEs."
    )
    directory.profiles["centre"] = profile(
        "centre",
        "institute",
        ["machine-learning"],
        "Zu seinen Partnern gehören KMU und Hochschulen.",
        "Its partners include SMEs and universities.",
    )
    lister = PartnerLister(directory)
    for question, lang in (
        ("Which partners support SMEs?", "en"),
        ("Welche Partner unterstützen KMU?", "de"),
    ):
        answer = lister.answer(question, lang, "")
        assert answer is not None and answer.partners == ["hub"], question


def test_the_reason_is_in_the_reader_s_language(directory: Directory) -> None:
    """The sentence naming the topic in the reader's language, else the listed topic's label:
    never the other language's sentence."""
    directory.profiles["works"] = profile(
        "works", "institute", ["robotics"], "Eine Werkstatt in Aachen.", "A workshop for robots."
    )
    lister = PartnerLister(directory)
    german = lister.answer("Welche Partner arbeiten an Robotik?", "de", "")
    assert german is not None and "works" in (german.partners or [])
    assert "robots" not in german.answer and "Themen: Robotik" in german.answer
    english = lister.answer("Which partners work on robotics?", "en", "")
    assert english is not None and "A workshop for robots." in english.answer


def test_a_profile_naming_a_topic_it_does_not_list_is_not_listed(directory: Directory) -> None:
    """The curated topics decide; a description may name many fields in passing ("applications
    in health, energy, climate, education, media, public sector and finance")."""
    directory.profiles["factory"] = profile(
        "factory",
        "infrastructure",
        ["hpc"],
        "Rechenzeit für Anwendungen in Gesundheit, Energie und Robotik.",
        "Compute for applications in health, energy and robotics.",
    )
    answer = PartnerLister(directory).answer("Which partners work on robotics?", "en", "")
    assert answer is not None and "factory" not in (answer.partners or [])
    found = directory.search("robotics", lang="en")
    assert "factory" in [m.profile.id for m in found]  # the directory's search still finds it
    directory.profiles["works"] = profile(
        "works", "institute", ["hpc"], "Eine Werkstatt in Aachen.", "A workshop for robots."
    )
    works = [m for m in directory.search("Roboter", lang="de") if m.profile.id == "works"]
    assert works and [r.text for r in works[0].reasons] == ["Themen: Robotik"]  # never empty


def test_a_kind_asked_with_a_topic_nobody_covers_lists_nobody(directory: Directory) -> None:
    """Not every institute: "Which institutes work on quantum computing?" has no answer."""
    lister = PartnerLister(directory, known=lambda w: w not in {"quantencomputing"})
    answer = lister.answer("Welche Institute arbeiten an Quantencomputing?", "de", "FRAG UNS")
    assert answer is not None and answer.partners == [] and "FRAG UNS" in answer.answer


def test_every_partner_or_those_of_a_place_are_listed_when_asked(directory: Directory) -> None:
    directory.profiles["far"] = profile(
        "far", "institute", ["hpc"], "Fern.", "Far.", location="Jülich"
    )
    lister = PartnerLister(directory)
    everyone = lister.answer("List all partners of the alliance.", "en", "")
    assert everyone is not None and set(everyone.partners or []) == set(directory.profiles)
    assert everyone.answer.startswith("The knowledge base has profiles of 4 partners")
    # all partners doing something the corpus never heard of: nobody, not everyone
    unknown = PartnerLister(directory, known=lambda w: w != "museen")
    museums = unknown.answer("Liste alle Partner, die an KI für Museen arbeiten.", "de", "")
    assert museums is not None and museums.partners == []
    placed = lister.answer("Welche Partner haben einen Standort in Jülich?", "de", "")
    assert placed is not None and placed.partners == ["far"] and "Jülich" in placed.answer
    assert lister.request("Which partners are there in Jülich and what do they do?") is None
    # with a kind, two places, or "all partners in"
    institutes = lister.answer("Welche Institute sitzen in Jülich?", "de", "")
    assert institutes is not None and institutes.partners == ["far"]
    two = lister.answer("Which partners are based in Aachen or Jülich?", "en", "")
    assert two is not None and set(two.partners or []) == set(directory.profiles)
    listed = lister.answer("List all partners in Jülich.", "en", "")
    assert listed is not None and listed.partners == ["far"]


def test_the_units_of_a_named_partner_are_listed_when_asked(directory: Directory) -> None:
    """ "Which partners belong to Forschungszentrum Jülich?" named a partner and was read as a
    question about it."""
    directory.profiles["lab"] = directory.profiles["lab"].model_copy(update={"parent": "uni"})
    directory.profiles["uni"] = directory.profiles["uni"].model_copy(
        update={"name": "Alpha University"}
    )
    lister = PartnerLister(directory)
    for question in (
        "Which partners belong to Alpha University?",
        "Welche Institute gehören zur Alpha University?",
        "What are the units of Alpha University?",
    ):
        answer = lister.answer(question, "en", "")
        assert answer is not None and answer.partners == ["lab"], question
    assert answer.answer.startswith("1 partner in the knowledge base matches the units of")
    # a topic none of its units covers is for the ordinary answer, not "no partner"
    assert lister.request("Welche Institute der Alpha University machen Bildverarbeitung?") is None
    # about a partner, a unit named, or a fact asked: no list
    assert lister.request("Wer leitet das Institut der Alpha University?") is None
    assert lister.request("Which institute of Alpha University is Lab part of?") is None
    assert lister.request("When did Alpha University become part of the alliance?") is None


def test_who_founded_the_alliance_lists_the_founding_partners(directory: Directory) -> None:
    lister = PartnerLister(directory)
    for question in (
        "Which organisations founded the AI Alliance Aachen?",
        "Wer hat die AAA gegründet?",
        "Who are the founders of the alliance?",
    ):
        request = lister.request(question)
        assert request is not None and request.founding, question
    # when or where it was founded is a fact
    assert lister.request("In welchem Saal wurde die AAA gegründet?") is None
    assert lister.request("When was the alliance founded?") is None


def test_a_kind_no_profile_has_is_for_the_ordinary_answer(directory: Directory) -> None:
    """ "Which companies signed the memorandum?": the sources' word on them, not "nobody"."""
    lister = PartnerLister(directory)
    assert lister.request("Welche Unternehmen haben das Memorandum unterschrieben?") is None
    assert lister.request("Welche Institute gibt es?") is not None


def test_short_words_are_not_typos_of_topic_words() -> None:
    """ "Für eine kurze Rückmeldung wären wir dankbar" asks for no courses."""
    courses = TopicsFile.model_validate(
        {"topics": [{"id": "education", "de": "Kurse", "en": "courses"}]}
    )
    vocabulary = TopicVocabulary(courses)
    assert vocabulary.find("Für eine kurze Rückmeldung wären wir dankbar") == []
    assert vocabulary.find("Wer bietet Kurse an?") == ["education"]
    assert vocabulary.find("Who offers coursse?") == ["education"]  # a long word may be off


def test_no_matching_partner_is_said_with_the_contact_route(directory: Directory) -> None:
    answer = PartnerLister(directory).answer("Partner für Bildverarbeitung?", "de", "FRAG UNS")
    assert answer is not None and answer.abstained and answer.partners == []
    assert "Kein Partner" in answer.answer and "FRAG UNS" in answer.answer
    unknown = PartnerLister(directory, known=lambda w: False)
    topic = unknown.answer("Which partner works on quantum computing?", "en", "ASK US")
    assert topic is not None and topic.partners == [] and "ASK US" in topic.answer


def test_a_question_naming_a_partner_is_not_a_partner_search(directory: Directory) -> None:
    assert "clinic lab" in aliases(directory.profiles["clinic"])  # "Aachen" is its place
    assert PartnerLister(directory).answer("Which robots does Clinic Lab build?", "en", "") is None


def test_directory_search_finds_synonyms_and_text(directory: Directory) -> None:
    assert [m.profile.id for m in directory.search("Supercomputer")] == ["lab"]
    assert [m.profile.id for m in directory.search("Medizinrobotik")][0] == "clinic"
    assert {m.profile.id for m in directory.search("", kind="institute")} == {"lab", "clinic"}
    founders = directory.search("", founding=True)
    assert [m.profile.id for m in founders] == ["uni"]
    card = directory.card(directory.profiles["uni"], "de")
    assert card["kind_label"] == "Hochschule" and card["topics"][0]["label"] == "Robotik"


@pytest.fixture(scope="module")
def real(real_data_dir: Path) -> Assistant:
    return build_assistant(load_settings(data_dir=real_data_dir, corpus_dir=REAL_CORPUS))


@pytest.mark.parametrize(
    "question", ["Which partners work on robotics?", "Welche Partner haben Robotik-Expertise?"]
)
def test_robotics_partners_are_all_listed(real: Assistant, question: str) -> None:
    answer = real.ask(question)
    assert set(answer.partners or []) >= {"rwth-aachen", "fh-aachen-maskor", "ai-village-huerth"}
    assert len(answer.partners or []) == len(set(answer.partners or []))
    assert "u. a. [" not in answer.answer  # no sentence cut off after an abbreviation
    assert all(c.source.startswith("partners/") for c in answer.citations)


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_language_filter_keeps_the_list_answer(real: Assistant, language: str) -> None:
    answer = real.ask("Which partners work on robotics?", where=build_filter(language=language))
    assert set(answer.partners or []) >= {"rwth-aachen", "fh-aachen-maskor", "ai-village-huerth"}
    faq_only = real.ask("Which partners work on robotics?", where=build_filter(kind="faq"))
    assert faq_only.partners is None  # a filter for FAQ entries asks for those


def test_a_topic_no_partner_covers_gets_no_partner_and_the_route(real: Assistant) -> None:
    answer = real.ask(
        "I am looking for a partner for computer vision in quality inspection; "
        "whom in the alliance can I contact?"
    )
    assert answer.abstained and answer.partners == []
    assert "aachen.de/wirtschaft" in answer.answer


def test_a_partner_question_naming_no_topic_learns_the_topics_profiles_name(
    real: Assistant,
) -> None:
    """Not "I only answer questions about the alliance": the words the profiles use, the
    directory and the route."""
    answer = real.ask(
        "We want something that tells our canteen which dish will sell out tomorrow. "
        "Which partners could build that?"
    )
    assert answer.abstained and answer.partners == []
    assert "Machine learning" in answer.answer and "Robotics" in answer.answer
    assert "Partners" in answer.answer and "aachen.de/wirtschaft" in answer.answer
    weather = real.ask("Who is going to win the football match tomorrow?")
    assert weather.abstained and "Machine learning" not in weather.answer
    # a need the vocabulary knows ("machine breakdowns") gets the partners of its topic
    need = real.ask(
        "We want a system that warns us about machine breakdowns before they happen. "
        "Which partners could build that?"
    )
    assert need.partners and "lamarr-institute" in need.partners and not need.abstained


def test_no_topic_hint_only_for_questions_asking_for_partners(directory: Directory) -> None:
    lister = PartnerLister(directory)
    hint = lister.no_topic("Welcher Partner hilft uns, Maschinenausfälle vorherzusagen?", "de", "X")
    assert hint is not None and hint.abstained and hint.partners == [] and hint.answer.endswith("X")
    assert "Robotik" in hint.answer and "Hochleistungsrechnen" in hint.answer
    assert "Bildverarbeitung" not in hint.answer  # no profile lists it
    assert lister.no_topic("Who will win the match tomorrow?", "en", "X") is None
    # who can help with a need the vocabulary does not know: the topics too
    need = "Our accounting team has never used such tools. Who in the alliance could help?"
    assert lister.no_topic(need, "en", "X") is not None
    assert lister.no_topic("Wie wird das Wetter?", "de", "X") is None
    # an organisation named, but no partner asked for; a partner named: about that partner
    assert lister.no_topic("Welche Kosten entstehen für Unternehmen dabei?", "de", "X") is None
    assert lister.no_topic("Which partners does Clinic Lab work with?", "en", "X") is None


def test_the_bundled_vocabulary_covers_every_profile_topic() -> None:
    corpus = load_corpus(REAL_CORPUS)
    assert corpus.topics is not None
    known = {t.id for t in corpus.topics.topics}
    assert all(set(p.topics) <= known for p in corpus.partners.values())
    assert all(t.synonyms.de and t.synonyms.en for t in corpus.topics.topics)


def test_start_ups_and_smes_beside_matchmaking_are_the_parties_not_a_need() -> None:
    """ "Welche Partner bieten Matchmaking zwischen Start-ups und Mittelstand an?" listed only
    the partner offering all three; the ones matching others are what is asked for."""
    lister = lister_over(
        [
            ("matchmaking", "Matchmaking", "matchmaking"),
            ("startups", "Start-ups", "start-ups"),
            ("sme-support", "Mittelstand", "SMEs"),
        ],
        profile("hub", "association", ["matchmaking", "startups"], "Hub.", "Hub."),
        profile("city", "city", ["matchmaking"], "Stadt.", "City."),
        profile("incubator", "institute", ["startups"], "Inkubator.", "Incubator."),
    )
    answer = lister.answer(
        "Welche Partner bieten Matchmaking zwischen Start-ups und Mittelstand?", "de", ""
    )
    assert answer is not None and set(answer.partners or []) == {"hub", "city"}
    # without matchmaking, start-ups are the need
    founders = lister.answer("Welche Partner unterstützen Start-ups?", "de", "")
    assert founders is not None and set(founders.partners or []) == {"hub", "incubator"}


def test_digitalisation_beside_a_particular_topic_ranks_and_does_not_filter() -> None:
    """ "digital services for citizens" is e-government: the smart-city partner listing only
    that was left out."""
    lister = lister_over(
        [
            ("digitalisation", "Digitalisierung", "digitalisation"),
            ("smart-city", "Smart City", "e-government"),
            ("sme-support", "Mittelstand", "SMEs"),
        ],
        profile("city", "city", ["smart-city", "digitalisation"], "Stadt.", "City."),
        profile("lab", "institute", ["smart-city"], "Labor.", "Lab."),
        profile("hub", "association", ["digitalisation", "sme-support"], "Hub.", "Hub."),
    )
    answer = lister.answer("Which partners work on e-government and digitalisation?", "en", "")
    assert answer is not None and answer.partners == ["city", "lab"]  # covering both first
    # beside SME support alone, digitalisation is the need
    smes = lister.answer("Welche Partner helfen dem Mittelstand bei der Digitalisierung?", "de", "")
    assert smes is not None and set(smes.partners or []) == {"hub", "city"}
