"""Requests the assistant does not serve: programming help, writing tasks, other places' politics.

The assistant answers questions about the alliance; it does not write, fix or teach code, nor
translate, summarise or draft texts. Such a request is a policy matter like requests for
personal data (``personal.py``), so it is a rule beside the fitted gate (``out_of_scope``).

Writing tasks start with the task: "Translate this into German: ...", "Fass mir diesen Text
zusammen", "Schreib einen LinkedIn-Post, in dem wir unser neues KI-Produkt ankündigen". The
partner lists took some of them for searches (``benchmarks/ood_probes.jsonl``: "Translate
... our workshop on responsible AI" listed the partners for trustworthy AI); no question of
the dev sets that the knowledge base answers, and no partner search, starts so.

For programming help: the gate alone let two through on the out-of-domain ``dev`` split
("wie baue ich einen chatbot mit RAG und langchain, schritt fuer schritt?", "Erklär mir bitte
Backpropagation, aber einfach."): the corpus talks about chatbots and training models, and an
e5 match to it looks like any other. The partner list for a need read by the learned intent
(``partners.listing``) listed the machine-learning partners for "Can you write PyTorch code to
fine-tune a BERT model?".

A request is one for programming help when it

* asks to write, fix or debug code, a script or a function ("Schreib mir ein Python-Skript",
  "Can you fix my code?");
* names a programming language, library or error and asks how to do something with it ("How
  do I fine-tune Llama 3 on a single GPU?", "PyTorch-Training bricht mit CUDA out of memory
  ab"); or
* asks to be taught a machine-learning technique ("Erklär mir Backpropagation", "step by
  step") without naming the alliance or one of its organisations: "Erklär mir, was die AI
  Alliance Aachen ist" is a question for the knowledge base.

Politics of other places (``office_elsewhere``): who holds an office of a city, district, state
or country other than Aachen ("Oberbürgermeister von Düsseldorf", "Landrat im Kreis Düren",
"Cologne's mayor"; the office must be that place's, not merely named in the same question). The
knowledge base quotes Aachen's lord mayor on the alliance, and e5 puts such a question as close
to that as a paraphrase ("Oberbürgermeister Köln 2026" was answered with Sibylle Keupen,
probability 0.69). Unless a quoted sentence names that office of that place, the gate abstains
as out of domain.
"""

from __future__ import annotations

import re

from assistant.text import fold

# programming languages, libraries, tools and errors (folded text); not words with an everyday
# sense beside ("react", "LoRa" radio sensors, "rust" on steel, "Bert", "terror") nor ones a
# partner search names ("SQL-Datenbanken", "CUDA-Anwendungen" on JUPITER)
_TOOLS = re.compile(
    r"\b(python|pytorch|tensorflow|keras|langchain|llama ?index|hugging ?face|scikit|sklearn|"
    r"pandas|numpy|javascript|typescript|c\+\+|golang|regex|powershell|docker|kubernetes|"
    r"reactjs|jupyter|api[- ]?key|qlora|llama ?\d|gpt-?\d|excel-?makro|vba|stack ?trace|"
    r"traceback|\w{3,}(error|exception)|out of memory|segfault)\b"
)
# the question is about the partners or the alliance, not a request to the assistant
_ABOUT_US = re.compile(r"\b(partner\w*|allianz|alliance|aaa|mitglied\w*|members?)\b")
# code as the thing to produce or repair
_WRITE_CODE = re.compile(
    r"\b(schreib\w*|write|erstell\w*|generier\w*|generate|create|code|coden|programmier\w*|"
    r"fix|repair|debug\w*|reparier\w*|behebe?n?|korrigier\w*|optimi[sz]\w*)\b"
    r"(\W+\w+){0,6}?\W+(code|quellcode|source code|skript|script|funktion|function|snippet|"
    r"schleife|loop|regex)\b"
    r"|\b(fix|debug|repair|reparier\w*|korrigier\w*) (my|mein\w*|unser\w*|this|diese\w*) "
    r"(code|skript|script|programm|program|funktion|function)\b"
    r"|\bcode me\b|\bfor \w+ in range\b|\bfor [ijkxn] in \w|\bdef \w+\(|^\W*import \w+"
)
# code asked for in keywords: "Python Skript RWTH Webseite scrapen Beispielcode" (ood_probes5);
# only without a question: "Gibt es im KI-Kurs der RWTH Codebeispiele?" asks about a course
_CODE_IN_KEYWORDS = re.compile(
    r"\b(beispielcode|codebeispiel\w*|example code|sample code|code ?snippets?)\b"
    # a script in a language: "Python script scrape JUPITER AI Factory website" (ood_probes6)
    r"|\b(python|javascript|java|bash|powershell|matlab|r|c\+\+|rust|go)\W+(skript|script|code)\b"
)
_ASKS = re.compile(
    r"\?|\b(gibt es|gibts|hat|haben|does|do|is|are|has|have|welche\w*|which|what|was|wo|where|"
    r"wie|how|wer|who)\b"
)
# how to do something with a tool: "How do I fine-tune Llama 3 ...", "Wie fine-tune ich ..."
_HOW_TO = re.compile(
    r"\b(how (do|can|should|would) (i|we|you)|how to|wie (kann|koennen|sollte?n?) (ich|wir|man)|"
    r"wie (fine-?tune|trainiere|programmiere|installiere|behebe|debugge|baue) (ich|wir|man)|"
    r"was kann ich tun|what can i do|what'?s the best way|best way to|am besten|"
    r"(kannst|koennen|can|could) (du|sie|you) (mir |uns |me |us )?(helfen|help))\b"
)
# being taught a machine-learning technique
_TEACH = re.compile(
    r"^\W*(erklaer\w*|explain|teach me|bring mir)\b|\b(schritt fuer schritt|step by step|"
    r"(can|could) you explain|kannst du (mir |uns )?(\w+ )?erklaer\w*|"
    r"tutorial|for dummies|einfach erklaert|explained simply)\b"
)
_TECHNIQUE = re.compile(
    r"\b(backpropagation|gradient\w*|neural\w*|neuronal\w*|transformer\w*|"
    r"embedding\w*|fine-?tun\w*|chatbot\w*|rag|retrieval|prompt\w*|llms?|sprachmodell\w*|"
    r"language models?|reinforcement|overfitting|regression|classifier|klassifikator\w*|"
    r"convolution\w*|diffusion|tokeni[sz]\w*)\b"
)


# political offices (folded text). Not "Präsident" or "Kanzler", which universities and research
# centres have too, nor "premier", an adjective as well, nor "OB", also the word "ob" (whether).
_OFFICE = (
    r"(ober)?buergermeister\w*|(lord )?mayors?|landr(at|aetin|aete)\w*|"
    r"ministerpraesident\w*|minister-presidents?|prime ministers?|premierminister\w*|"
    r"regierungschef\w*|governors?|gouverneur\w*|bundeskanzler\w*|stadtrat|city council|"
    r"gemeinderat|bundespraesident\w*|federal president"
)
# places whose politics are not the alliance's: German cities, the towns around Aachen, the
# states, neighbouring and capital cities; each spelling -> one name (Cologne and Köln match)
_PLACE_NAMES = {
    name: names.split("|")[0]
    for names in (
        "koeln|cologne",
        "muenchen|munich",
        "hannover|hanover",
        "nuernberg|nuremberg",
        "nrw|nordrhein-westfalen|north rhine-westphalia",
        "bayern|bavaria",
        "hessen|hesse",
        "sachsen|saxony",
        "niedersachsen|lower saxony",
        "thueringen|thuringia",
        "deutschland|germany",
        "luettich|liege|luik",
        "bruessel|brussels",
        "wien|vienna",
        "warschau|warsaw",
        "prag|prague",
        "rom|rome",
    )
    for name in names.split("|")
}
_PLACE_NAMES |= {
    p: p
    for p in (  # noqa: SIM905 (reads better as text)
        "berlin hamburg frankfurt stuttgart duesseldorf leipzig dortmund essen bremen dresden "
        "duisburg bochum wuppertal bielefeld bonn muenster mannheim karlsruhe augsburg "
        "wiesbaden moenchengladbach gelsenkirchen krefeld kiel magdeburg freiburg mainz luebeck "
        "erfurt rostock kassel potsdam saarbruecken schwerin oberhausen hagen hamm muelheim "
        "leverkusen solingen neuss paderborn siegen guetersloh dueren juelich huerth eschweiler "
        "stolberg wuerselen herzogenrath alsdorf baesweiler heinsberg erkelenz bergheim bedburg "
        "elsdorf kerpen frechen euskirchen monschau simmerath roetgen brandenburg "
        "baden-wuerttemberg rheinland-pfalz schleswig-holstein saarland mecklenburg-vorpommern "
        "sachsen-anhalt maastricht eindhoven heerlen kerkrade eupen leuven amsterdam rotterdam "
        "paris london zuerich madrid washington aachen"
    ).split()
}
_PLACE = "|".join(re.escape(p) for p in sorted(_PLACE_NAMES, key=len, reverse=True))
# the office of a place: "Oberbürgermeister von Köln", "mayor of Cologne", "Landrat im Kreis
# Düren", "Oberbürgermeisterin Bonn", "Kölner Oberbürgermeister", "Cologne's mayor"; not an office
# and a place merely in one question ("Was sagte die Oberbürgermeisterin über das
# Forschungszentrum Jülich?")
_OFFICE_OF_PLACE = re.compile(
    rf"\b(?:{_OFFICE})\s+(?:(?:von|vom|in|im|of|for|fuer|der|des|the|stadt|city|kreis|"
    rf"landes|state)\s+){{0,3}}(?P<after>{_PLACE})(?:s)?\b"
    rf"|\b(?P<before>{_PLACE})(?:er|'s|s)?\s+(?:{_OFFICE})\b"
)


def offices_named(text: str) -> set[str]:
    """The places (one name each) whose office ``text`` names: "mayor of Cologne" -> koeln."""
    return {
        _PLACE_NAMES[m.group("after") or m.group("before")]
        for m in _OFFICE_OF_PLACE.finditer(fold(text))
    }


def office_elsewhere(question: str) -> str | None:
    """The place, when the question asks about an office of a place other than Aachen."""
    elsewhere = sorted(offices_named(question) - {"aachen"})
    return elsewhere[0] if elsewhere else None


def names_office_of(place: str, sentence: str) -> bool:
    """The sentence names a political office of ``place`` (one name of ``offices_named``)."""
    return place in offices_named(sentence)


# a task for the assistant, named by the question's first word in the imperative: "Schreib
# mir ...", "Write a post ...", "Fass mir diesen Text zusammen"; not "Schreibt die Stadt
# Stellen aus?", "Write to whom ...?", "Fassen die Partner ihre Ergebnisse zusammen?"
_TASK = re.compile(
    r"^\W*(please\W+|bitte\W+)?("
    r"translate|uebersetze?|summari[sz]e|proofread|rewrite|paraphrase|"
    r"(schreib|schreibe|fass|fasse|formulier|formuliere|verfass|verfasse|korrigier|korrigiere|"
    r"erstell|erstelle) (mir|uns|bitte|einen|eine|ein|den|die|das|diesen|diese|dieses|meinen|"
    r"meine)|(write|draft) (me|us|a|an|the|my|our|this)"
    r")\b"
)


# a task put as a question: "Can you summarise the most recent paper by Holger Hoos ...?",
# "Kannst du mir diesen Absatz ins Englische übersetzen?"
_TASK_ASKED = re.compile(
    r"^\W*(hey\W+|hi\W+|hallo\W+)?(can|could|would|will) (you|u) (please |pls )?(summari[sz]e|"
    r"translate|proofread|rewrite|paraphrase|draft|compose|write (me|us|a|an|the|my|our|this))\b"
    r"|^\W*(hey\W+|hi\W+|hallo\W+)?(kannst|koenntest|koenntet|koennten) (du|ihr|sie) "
    r"[^?]{0,80}\b(uebersetzen|zusammenfassen|korrigieren|umformulieren|verfassen|dichten)\b"
)
# chit-chat with the assistant itself: a joke, its favourites, boredom, what it is ("Tell me a
# joke.", "Mir ist langweilig, erzähl mir mal was Lustiges.", "What's your favourite movie?"
# were answered with quotes about the founding evening: ood_probes3, first run)
_CHIT_CHAT = re.compile(
    r"\b(tell|erzaehl\w*) (me |mir |us |uns )?(mal )?(a |an |einen |nen |ne |eine |was |etwas |"
    r"something )?(joke|witz|funny|lustig\w*|story|geschichte|gedicht|poem)"
    r"|\b(jokes?|witze?|limerick)\b"
    r"|\b(your|dein\w*) (favou?rite|lieblings\w*)|\bdein\w* lieblings"
    r"|\b(i'?m|i am|mir ist|ich bin) (so |total |gerade |mega |voll )*"
    r"(bored|langweilig|gelangweilt)\b"
    r"|\b(are you|r u|bist du) (eigentlich |actually |really |wirklich )?(a |an |ein |eine )?"
    r"(human|mensch|robot|roboter|real|echt|bot|chatbot|single|happy|gluecklich)\b"
    r"|\b(how old are you|wie alt bist du|what'?s your name|wie heisst du|who (made|built|created) "
    r"you|wer hat dich (eigentlich |denn )?(gebaut|gemacht|programmiert|entwickelt|erschaffen))\b"
    r"|\b(do you|have you|hast du|kannst du) (have )?"
    r"(feel\w*|gefuehle|emotion\w*|traeum\w*|dream\w*)"
    r"|\b(sing|sing mir|sing me) (a |ein )?(song|lied)"
)

# looking for a job, a place to study or a salary figure: "Are there open PhD positions at the
# RWTH AI Center right now?", "Are there internships at start-ups in the digitalHUB Aachen?"
# were answered with quotes about the centre (the knowledge base lists no vacancies, pay or
# admissions); "How many jobs do the data centres bring?" asks a fact of the sources
_JOB_SEEKING = re.compile(
    r"\b(job ?openings?|open positions?|vacanc\w*|(is|are) (\w+ ){0,3}hiring|stellenangebot\w*|"
    r"stellenausschreibung\w*|offene stellen|internships?|praktik(um|a|ums|umsplatz\w*)|"
    r"werkstudent\w*|phd positions?|doktorandenstelle\w*|promotionsstelle\w*|"
    r"ausbildungsplatz\w*|do (my|a) phd|promovieren|salary|salaries|gehalt|gehaelter|"
    r"verdient (man|ein|eine)|bewerbung als|bewerbe mich|apply for an? (job|position|phd)|"
    # "any student assistant jobs going at the FH Aachen robotics institute right now?"
    r"student assistants?|hiwi\w*|studentische hilfskr\w*|jobs? going|"
    # "Gibts grad offne Postdoc-Stellen am KI-Center der RWTH?" (ood_probes6): a kind of
    # position, and "open" with a typo
    r"(postdoc|doktoranden|promotions|wimi|phd)[- ]?(stellen?|positions?|openings?)|"
    r"off?e?ne?n? (\w+-)?stellen)\b"
)


# small talk and nothing else: greetings, "how are you", thanks, goodbyes ("Hallo, wie geht's
# dir?" was answered with the joining FAQ at probability 0.86: "wie geht" is how joining goes)
_SMALL_TALK_PART = (
    r"hallo|hello|hi|hey|hiya|moin|servus|gruess gott|guten (morgen|tag|abend)|"
    r"good (morning|afternoon|evening)|"
    r"wie geht'?s( (dir|ihnen|euch))?|wie geht es (dir|ihnen|euch)|was geht|alles (gut|klar)|"
    r"how are (you|u)( doing)?|how'?s it going|how'?s your day( going)?|what'?s up|whats up|sup|"
    r"(vielen )?dank( (dir|euch|ihnen|schoen|sehr))?|danke( (dir|euch|ihnen|schoen|sehr))?|"
    r"thanks?( (a lot|so much|you))?|cheers|"
    r"tschuess|ciao|bye|goodbye|auf wiedersehen|bis (dann|bald)|see you|"
    r"(und|and)( (dir|du|you))?|na|ok|okay|super|cool|toll|great|nice"
)
_SMALL_TALK = re.compile(rf"^\W*(({_SMALL_TALK_PART})\b\W*)+$")


def is_small_talk(question: str) -> bool:
    """Greetings, "how are you", thanks or goodbyes, and nothing asked besides."""
    return bool(_SMALL_TALK.match(fold(question)))


def out_of_scope(question: str, names_us: bool = False) -> bool:
    """A request the assistant does not serve: code, a writing task, chit-chat, a job search.

    A task about the partners or the alliance is served as a question ("Erstelle eine Liste
    der Partner, die an Robotik arbeiten").
    """
    folded = fold(question)
    task = bool(
        _TASK.search(folded)
        or _TASK_ASKED.search(folded)
        or _CHIT_CHAT.search(folded)
        or _JOB_SEEKING.search(folded)
    ) and not _ABOUT_US.search(folded)
    return task or is_small_talk(question) or asks_for_programming_help(question, names_us)


def asks_for_programming_help(question: str, names_us: bool = False) -> bool:
    """Whether the question asks the assistant to write, fix or teach code or an ML technique.

    A question about the partners or the alliance is none ("Which partner can write code for
    our robot?"). ``names_us``: the question names an organisation of the corpus; it may
    still ask for code ("I have access to JUPITER now. Can you write me a PyTorch training
    loop?"), but not to be taught or shown a tool ("Wie kann ich auf JUPITER Rechenzeit für
    PyTorch-Training beantragen?", "Erklär mir, wie das Lamarr-Institut Transformer nutzt").
    """
    folded = fold(question)
    if _ABOUT_US.search(folded):
        return False
    if _WRITE_CODE.search(folded):
        return True
    if _CODE_IN_KEYWORDS.search(folded) and not _ASKS.search(folded):
        return True
    if names_us:
        return False
    if _TOOLS.search(folded) and _HOW_TO.search(folded):
        return True
    return bool(_TEACH.search(folded) and _TECHNIQUE.search(folded))
