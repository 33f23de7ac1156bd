"""Programming help, writing tasks and other places' politics are out of scope, however close
the sources come."""

import pytest

from assistant.answer.scope import (
    asks_for_programming_help,
    is_small_talk,
    names_office_of,
    office_elsewhere,
    out_of_scope,
)


@pytest.mark.parametrize(
    "question",
    [
        "Schreib mir ein kurzes Skript, das unsere Kundenliste nach Umsatz sortiert.",
        "Could you write a function that parses dates from e-mails?",
        "can u code me something that renames all pdfs in a folder",
        "Fix my code please: for i in range(3) print(i)",
        "Mein Keras-Modell wirft einen ValueError beim Laden, was kann ich tun?",
        "How can I deploy a TensorFlow model with Docker?",
        "Erklär mir neuronale Netze, aber für Anfänger.",
        "Explain how transformers use attention, step by step.",
        "I'm new to this. Could you explain how a neural network learns?",
        # naming a partner does not make code a question for the knowledge base
        "We got computing time at JUPITER. Write me a SLURM script with a PyTorch loop.",
        # asked in keywords
        "Python Skript RWTH Webseite scrapen Beispielcode",
        "example code to scrape a website with python",
        "Python script scrape JUPITER AI Factory website",
    ],
)
def test_requests_to_write_fix_or_teach_code_are_recognised(question: str) -> None:
    assert asks_for_programming_help(question)


@pytest.mark.parametrize(
    "question",
    [
        "Which partners work on machine learning?",
        "Before we port our code we need to know which GPUs JUPITER has.",
        "Welche Förderung gibt es, um einen Prototyp über das Programm Mittelstand zu erstellen?",
        "Is there a partner for AI in video game development?",
        "Who would be the contact for AI in medicine, e.g. medical robotics?",
        "We are looking for partners in Maastricht for our company.",
        "Erklär mir, was die AI Alliance Aachen ist.",
        "Wie kann ich Rechenzeit auf JUPITER beantragen?",
        # words that are tools only in code: the verb "react", LoRa radio, an exception to a rule
        "How should we react to the EU AI Act?",
        "Wie können wir LoRa-Sensoren in der Stadt nutzen?",
        "How can we get an exception from the rule for small firms?",
        "How can we detect rust on steel surfaces with AI?",
        "Wie kann ich Bert Leibe erreichen?",
        "Wie finden wir einen Partner, der uns bei SQL-Datenbanken hilft?",
        "Gibt es bei den Partnern ein Tutorial zu Chatbots?",
        "Which partner can write code for our robot?",  # a question about the partners
        "Step by step: what should we pay attention to when applying for funding?",
        # asking about code is no request for it
        "Gibt es im KI-Kurs der RWTH Codebeispiele?",
        "Does the AI Week workshop come with sample code?",
        "Python Kurs RWTH",  # a course, not code
    ],
)
def test_questions_about_the_alliance_and_its_partners_are_not(question: str) -> None:
    assert not asks_for_programming_help(question)


def test_being_taught_about_a_named_organisation_is_a_question_for_the_knowledge_base() -> None:
    question = "Erklär mir, wie das Lamarr-Institut neuronale Netze erforscht."
    assert asks_for_programming_help(question)  # read alone: a lesson on neural networks
    assert not asks_for_programming_help(question, names_us=True)


@pytest.mark.parametrize(
    "question",
    [
        "Translate this into German: 'Thank you for attending our workshop on responsible AI.'",
        "Fass mir diesen Text in drei Sätzen zusammen: „Die Digitalisierung verändert ...“",
        "Schreib einen LinkedIn-Post, in dem wir unser neues KI-Produkt ankündigen.",
        "Please write a short thank-you note to the RWTH AI Center.",
    ],
)
def test_writing_tasks_are_out_of_scope(question: str) -> None:
    assert out_of_scope(question) and not asks_for_programming_help(question)


def test_questions_about_writing_are_not_tasks() -> None:
    assert not out_of_scope("Wer schreibt bei der Stadt die Pressemitteilungen zur Allianz?")
    assert not out_of_scope("Which partners work on translation software?")
    assert not out_of_scope("Schreibt die Stadt Aachen Stellen im Bereich KI aus?")
    assert not out_of_scope("Fassen die Partner ihre Ergebnisse irgendwo zusammen?")
    assert not out_of_scope("Write to whom if we want to join?")
    assert not out_of_scope("Erstelle mir eine Liste der Partner, die an Robotik arbeiten.")


def test_a_tool_named_on_a_partner_s_machine_is_no_programming_lesson() -> None:
    question = "Wie kann ich auf JUPITER Rechenzeit für PyTorch-Training beantragen?"
    assert asks_for_programming_help(question)  # read alone: a how-to on a tool
    assert not asks_for_programming_help(question, names_us=True)


@pytest.mark.parametrize(
    ("question", "place"),
    [
        ("Wer ist Oberbürgermeister von Düsseldorf?", "duesseldorf"),
        ("Oberbürgermeisterin Bonn", "bonn"),
        ("What did the mayor of Cologne say about AI?", "koeln"),
        ("Wer ist Landrat im Kreis Düren?", "dueren"),
        ("Who is the Minister-President of North Rhine-Westphalia?", "nrw"),
        ("Wie heißt der Kölner Oberbürgermeister?", "koeln"),
        ("Who is Cologne's mayor?", "koeln"),
    ],
)
def test_offices_of_other_places_are_recognised(question: str, place: str) -> None:
    assert office_elsewhere(question) == place


@pytest.mark.parametrize(
    "question",
    [
        "Wer ist die Oberbürgermeisterin von Aachen?",  # the alliance's city
        "Who is the president of Forschungszentrum Jülich?",  # an organisation, no politics
        "Wer ist Kanzler der Universität zu Köln?",  # a university's office
        "Welche Partner sitzen in Köln?",  # a place, no office
        # an office and a place in one question, but not that place's office
        "Was sagte die Oberbürgermeisterin über das Forschungszentrum Jülich?",
        "Hat die Oberbürgermeisterin was zur KI in NRW gesagt?",
        "Does the mayor support AI start-ups in Germany?",
        "Is JUPITER the premier supercomputer in Germany?",
        "Welcher Bürgermeister hat das Essen beim Hackathon bezahlt?",
        "Weißt du, ob Jülich beim JUPITER-Projekt beteiligt ist?",
    ],
)
def test_aachen_organisations_and_places_alone_are_not(question: str) -> None:
    assert office_elsewhere(question) is None


def test_a_source_naming_the_office_of_that_place_answers_it() -> None:
    assert names_office_of("juelich", "Der Bürgermeister von Jülich eröffnete das Zentrum.")
    assert names_office_of("koeln", "The mayor of Cologne opened it.")  # either spelling
    assert not names_office_of("juelich", "Oberbürgermeisterin Sibylle Keupen sprach in Aachen.")
    assert not names_office_of("koeln", "Oberbürgermeisterin Keupen begrüßte Gäste aus Köln.")


@pytest.mark.parametrize(
    "question",
    [
        "Hallo, wie geht's dir?",
        "hey whats up, how's your day going?",
        "Danke!",
        "thanks a lot!",
        "Vielen Dank, tschüss",
        "Moin",
        "Guten Morgen! Wie geht es Ihnen?",
    ],
)
def test_greetings_thanks_and_goodbyes_alone_are_small_talk(question: str) -> None:
    assert is_small_talk(question) and out_of_scope(question)


@pytest.mark.parametrize(
    "question",
    [
        "Hallo, wie kann ich der Allianz beitreten?",
        "Wie geht das mit dem Beitritt?",
        "hi, who runs the RWTH AI center?",
        "Guten Tag, was ist die AAA?",
        "wie geht es weiter mit dem AI Village?",
        "Danke, und wer leitet das KI-Center?",
    ],
)
def test_a_greeting_before_a_question_is_a_question(question: str) -> None:
    assert not is_small_talk(question) and not out_of_scope(question)


@pytest.mark.parametrize(
    "question",
    [
        "Erzähl uns doch mal einen Witz über Ingenieure",
        "Mir ist so langweilig heute",
        "what's your favorite book?",
        "Was ist dein Lieblingsessen?",
        "Are you actually a human?",
        "Wer hat dich eigentlich gebaut?",
        "Could you translate this sentence into French for me?",
        "Kannst du mir diesen Absatz bitte ins Englische übersetzen?",
        "Can you summarize the latest news about OpenAI?",
        "Gibt es am Lamarr-Institut gerade offene Stellen für Informatiker?",
        "Is the JSC hiring research software engineers?",
        "Kann ich beim Forschungszentrum ein Praktikum machen?",
        "What salary does a postdoc get in Jülich?",
        "any student assistant jobs going at the FH Aachen robotics institute right now?",
        "Sucht das KI-Center gerade HiWis?",
        "Gibts grad offne Postdoc-Stellen am KI-Center der RWTH?",  # a kind of position, a typo
        "Are there postdoc positions at the AI Center?",
    ],
)
def test_chit_chat_with_the_assistant_and_tasks_put_as_questions_are_out_of_scope(
    question: str,
) -> None:
    assert out_of_scope(question)


def test_questions_about_stories_and_translation_by_the_partners_are_not_chit_chat() -> None:
    assert not out_of_scope("Tell me the story of how the alliance was founded.")
    assert not out_of_scope("Can you summarise what the partners of the alliance do?")
    assert not out_of_scope("Which partner is a robotics lab with real robots?")
    assert not out_of_scope("Kannst du mir sagen, wer das KI-Center leitet?")
    assert not out_of_scope("How many jobs do the Microsoft data centres bring?")
    assert not out_of_scope("How many jobs are available at the Microsoft data centres?")
    assert not out_of_scope("Wie viele Stellen schafft Microsoft in Bergheim?")
    assert not out_of_scope("Does the alliance have open positions?")  # about us: asked
