"""What runners type outside onboarding, in each shipped language and in English (issue 16,
point 4): "done", skips and their reasons, undo, move, pause, the questions, thanks,
greetings, how a session felt, this-week changes, weights and pain. Pure: each language's
words come from ``load_content().speaking(code)`` (its own files merged with English's).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.coach.intents import Intent, normalize
from bot.coach.week_change import Change, Kind, normalise, parse_change
from bot.coach.weights import is_pain, named_move, read_weights
from bot.content import CONTENT_DIR, Content, ContentError, load_content

CONTENT = load_content()
LANGUAGES = ("ru", "es", "pt-BR", "de")
# A Tuesday: "today" and "tomorrow" are days of a known week.
TODAY = date(2026, 12, 1)


def speaking(code: str) -> Content:
    content = CONTENT.speaking(code)
    assert content.language.code == code, f"{code} is not shipped"
    return content


def intent_of(code: str, text: str) -> Intent:
    return speaking(code).phrases.understand(text).intent


# ---- done: the words, their order and inflection, punctuation and emoji --------------

DONE = {
    "ru": [
        "готово", "Готово!! 💪", "сделал", "сделала", "сделано", "я сделал", "Я сделала!",
        "уже сделал", "всё сделал", "все сделала", "Сделал тренировку", "тренировка готова",
        "выполнила", "закончил", "ГОТОВО", "готово ✅", "ок, готово", "потренировалась",
        "сделала вчера",
    ],
    "es": [
        "hecho", "Hecho!!! 💪", "hecho, me costó", "listo", "lista", "terminé", "termine",
        "¡Terminé!", "ya está", "Ya está 🙌", "ya lo hice", "lo hice", "hice el entreno",
        "entreno hecho", "completado", "he terminado", "LISTO", "ok, hecho",
    ],
    "pt-BR": [
        "feito", "Feito!! 💪", "pronto", "concluído", "concluido", "já fiz", "fiz o treino",
        "treino feito", "terminei", "Terminei!", "treinei", "fiz", "ok, feito", "FEITO",
        "pronto, foi puxado",
    ],
    "de": [
        "fertig", "Fertig!! 💪", "erledigt", "geschafft", "hab's gemacht", "Hab’s gemacht",
        "habs gemacht", "Training erledigt", "ich habe das Training gemacht", "bin fertig",
        "alles erledigt", "ERLEDIGT", "ok, fertig", "Einheit geschafft ✅", "gemacht",
    ],
}  # fmt: skip


@pytest.mark.parametrize(("code", "text"), [(c, t) for c, ts in DONE.items() for t in ts])
def test_done_in_the_runners_language(code: str, text: str) -> None:
    assert intent_of(code, text) is Intent.DONE, (code, text)


NOTES = [
    ("ru", "Сделала тренировку, было тяжело", "было тяжело"),
    ("es", "hecho, me costó", "me costó"),
    ("pt-BR", "feito, foi puxado hoje", "foi puxado hoje"),
    ("de", "erledigt, die Beine brennen", "die Beine brennen"),
    ("ru", "Готово!! 💪", None),
    ("de", "Fertig für heute!", None),
]


@pytest.mark.parametrize(("code", "text", "note"), NOTES)
def test_what_follows_done_is_the_note_as_typed(code: str, text: str, note: str | None) -> None:
    understood = speaking(code).phrases.understand(text)
    assert understood.intent is Intent.DONE
    assert understood.note == note


NOT_DONE = {
    "ru": [
        "не сделал", "не сделала", "Не сделал сегодня", "сделаю позже", "сделал домашку",
        "ещё не сделал", "не готово", "сделаю вечером", "сделаю завтра",
    ],
    "es": [
        "no lo hice", "No lo hice hoy", "todavía no", "terminé el libro", "no entrené",
        "hace frío", "termina a las 7",
    ],
    "pt-BR": ["não fiz", "Não fiz hoje", "ainda não", "fiz o almoço", "fiz o longão"],
    "de": [
        "nicht geschafft", "hab's nicht geschafft", "nicht gemacht", "bin fertig mit der Arbeit",
        "ich habe das Training verpasst", "noch nicht",
    ],
}  # fmt: skip


@pytest.mark.parametrize(("code", "text"), [(c, t) for c, ts in NOT_DONE.items() for t in ts])
def test_a_negation_or_another_task_never_logs_done(code: str, text: str) -> None:
    assert intent_of(code, text) is not Intent.DONE, (code, text)


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("text", ["done", "Done!! 💪", "all done", "skip", "undo", "today?"])
def test_english_is_understood_in_every_language(code: str, text: str) -> None:
    assert intent_of(code, text) is speaking("en").phrases.understand(text).intent


PUNCTUATION = st.text(alphabet=list("!.?…,;: 💪✅🙌🔥😅👍🏽‼"), max_size=6).filter(
    lambda tail: "?" not in tail
)


@settings(max_examples=60, deadline=None)
@given(
    pick=st.sampled_from(
        [("ru", "готово"), ("ru", "сделала"), ("es", "hecho"), ("es", "listo"),
         ("pt-BR", "feito"), ("pt-BR", "pronto"), ("de", "fertig"), ("de", "erledigt")]
    ),
    tail=PUNCTUATION,
    upper=st.booleans(),
)  # fmt: skip
def test_a_done_word_with_any_trailing_marks_or_emoji_stays_done(
    pick: tuple[str, str], tail: str, upper: bool
) -> None:
    code, word = pick
    text = (word.upper() if upper else word.capitalize()) + tail
    understood = speaking(code).phrases.understand(text)
    assert understood.intent is Intent.DONE, text
    assert understood.note is None, text


# ---- skips and their reasons -------------------------------------------------------

SKIPS = [
    ("ru", "пропускаю, устала", "tired"),
    ("ru", "не сегодня, много работы", "busy"),
    ("ru", "Пропущу — заболел", "ill"),
    ("ru", "пропускаю, ноги болят", "sore"),
    ("ru", "пропускаю, я в командировке", "travel"),
    ("es", "me lo salto, estoy cansada", "tired"),
    ("es", "hoy no, mucho trabajo", "busy"),
    ("es", "hoy paso, tengo gripe", "ill"),
    ("es", "me lo salto, agujetas", "sore"),
    ("es", "hoy no puedo, estoy de viaje", "travel"),
    ("pt-BR", "vou pular, tô cansado", "tired"),
    ("pt-BR", "hoje não, sem tempo", "busy"),
    ("pt-BR", "vou pular, estou doente", "ill"),
    ("pt-BR", "hoje não dá, estou de férias", "travel"),
    ("de", "heute nicht, bin müde", "tired"),
    ("de", "überspringe, keine Zeit", "busy"),
    ("de", "heute nicht, bin krank", "ill"),
    ("de", "fällt heute aus, Muskelkater", "sore"),
    ("de", "ich setze aus, bin unterwegs", "travel"),
]


@pytest.mark.parametrize(("code", "text", "reason"), SKIPS)
def test_a_skip_and_its_reason(code: str, text: str, reason: str) -> None:
    phrases = speaking(code).phrases
    assert phrases.understand(text).intent is Intent.SKIP, text
    assert phrases.reason_of(text) == reason, text


# ---- requests, questions, thanks, greetings, feelings ---------------------------------

ASKED = {
    "ru": [
        ("отмени", Intent.UNDO), ("упс, нажал случайно", Intent.UNDO),
        ("перенеси на завтра", Intent.MOVE), ("пауза", Intent.PAUSE),
        ("я вернулся", Intent.RESUME), ("что сегодня?", Intent.TODAY),
        ("что дальше", Intent.NEXT), ("план на неделю", Intent.WEEK),
        ("мой прогресс", Intent.PROGRESS), ("какой у меня уровень?", Intent.LEVEL),
        ("что я делал на прошлой неделе", Intent.LAST_WEEK),
        ("что я сделала на этой неделе?", Intent.WEEK_SO_FAR), ("экспорт", Intent.EXPORT),
        ("помощь", Intent.HELP), ("спасибо!", Intent.THANKS), ("Привет", Intent.GREETING),
    ],
    "es": [
        ("deshacer", Intent.UNDO), ("lo marqué por error", Intent.UNDO),
        ("mejor mañana", Intent.MOVE), ("pausa", Intent.PAUSE), ("he vuelto", Intent.RESUME),
        ("¿qué toca hoy?", Intent.TODAY), ("¿qué sigue?", Intent.NEXT),
        ("mi semana", Intent.WEEK), ("¿cómo voy?", Intent.PROGRESS),
        ("¿qué nivel tengo?", Intent.LEVEL), ("¿qué hice la semana pasada?", Intent.LAST_WEEK),
        ("¿qué hice esta semana?", Intent.WEEK_SO_FAR), ("exportar mis datos", Intent.EXPORT),
        ("ayuda", Intent.HELP), ("¡gracias!", Intent.THANKS), ("Hola", Intent.GREETING),
    ],
    "pt-BR": [
        ("desfazer", Intent.UNDO), ("apertei errado", Intent.UNDO),
        ("deixa pra amanhã", Intent.MOVE), ("pausa", Intent.PAUSE), ("voltei", Intent.RESUME),
        ("treino de hoje?", Intent.TODAY), ("próximo treino", Intent.NEXT),
        ("minha semana", Intent.WEEK), ("como estou indo?", Intent.PROGRESS),
        ("meu nível", Intent.LEVEL), ("o que eu fiz semana passada", Intent.LAST_WEEK),
        ("o que eu fiz essa semana?", Intent.WEEK_SO_FAR), ("baixar meus dados", Intent.EXPORT),
        ("ajuda", Intent.HELP), ("valeu!", Intent.THANKS), ("Oi", Intent.GREETING),
    ],
    "de": [
        ("rückgängig", Intent.UNDO), ("aus Versehen gedrückt", Intent.UNDO),
        ("lieber morgen", Intent.MOVE), ("Pause", Intent.PAUSE),
        ("ich bin zurück", Intent.RESUME), ("was steht heute an?", Intent.TODAY),
        ("als Nächstes?", Intent.NEXT), ("Wochenplan", Intent.WEEK),
        ("wie läuft's?", Intent.PROGRESS), ("welches Level?", Intent.LEVEL),
        ("was hab ich letzte Woche gemacht", Intent.LAST_WEEK),
        ("was hab ich diese Woche gemacht?", Intent.WEEK_SO_FAR),
        ("meine Daten exportieren", Intent.EXPORT), ("Hilfe", Intent.HELP),
        ("Danke!", Intent.THANKS), ("Moin", Intent.GREETING),
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("code", "text", "intent"), [(c, t, i) for c, pairs in ASKED.items() for t, i in pairs]
)
def test_requests_and_questions(code: str, text: str, intent: Intent) -> None:
    assert intent_of(code, text) is intent, (code, text)


FEELINGS = {
    "ru": [("легко", "easy"), ("нормально", "right"), ("было тяжело", "hard"),
           ("слишком тяжело", "too_hard"), ("всё болит", "sore")],
    "es": [("fácil", "easy"), ("bien", "right"), ("fue duro", "hard"),
           ("demasiado duro", "too_hard"), ("agujetas", "sore")],
    "pt-BR": [("moleza", "easy"), ("na medida", "right"), ("foi puxado", "hard"),
              ("me matou", "too_hard"), ("dolorido", "sore")],
    "de": [("leicht", "easy"), ("genau richtig", "right"), ("war hart", "hard"),
           ("zu schwer", "too_hard"), ("Muskelkater", "sore")],
}  # fmt: skip


@pytest.mark.parametrize(
    ("code", "text", "feeling"), [(c, t, f) for c, pairs in FEELINGS.items() for t, f in pairs]
)
def test_how_it_felt(code: str, text: str, feeling: str) -> None:
    understood = speaking(code).phrases.understand(text)
    assert (understood.intent, understood.feeling) == (Intent.FEEDBACK, feeling), text


NOTE_FEELINGS = [
    ("ru", "было тяжело, но нормально", "right"),
    ("ru", "не было тяжело", None),
    ("es", "fue duro pero bien", "right"),
    ("pt-BR", "não foi difícil", None),
    ("de", "war nicht schwer", None),
    ("de", "hart, aber gut", "right"),
]


@pytest.mark.parametrize(("code", "note", "feeling"), NOTE_FEELINGS)
def test_a_notes_feeling_reads_the_languages_but_and_not(
    code: str, note: str, feeling: str | None
) -> None:
    assert speaking(code).phrases.feeling_in(note) == feeling


# ---- this week's runs ------------------------------------------------------------------

WEEK_CHANGES = [
    ("ru", "длительная в воскресенье на этой неделе", (Change(Kind.LONG, frozenset({6})),)),
    ("ru", "без интервалов на этой неделе", (Change(Kind.NO_HARD),)),
    ("ru", "на этой неделе бегаю пн, ср и сб", (Change(Kind.RUNS, frozenset({0, 2, 5})),)),
    (
        "ru",
        "Длительная в субботу и без интервалов на этой неделе",
        (Change(Kind.LONG, frozenset({5})), Change(Kind.NO_HARD)),
    ),
    ("es", "tirada larga el domingo esta semana", (Change(Kind.LONG, frozenset({6})),)),
    ("es", "sin series esta semana", (Change(Kind.NO_HARD),)),
    ("es", "esta semana corro lunes, miércoles y sábado", (Change(Kind.RUNS, frozenset({0, 2, 5})),)),  # noqa: E501
    ("pt-BR", "longão no domingo esta semana", (Change(Kind.LONG, frozenset({6})),)),
    ("pt-BR", "sem tiros essa semana", (Change(Kind.NO_HARD),)),
    ("pt-BR", "essa semana corro seg, qua e sáb", (Change(Kind.RUNS, frozenset({0, 2, 5})),)),
    ("de", "langer Lauf am Sonntag diese Woche", (Change(Kind.LONG, frozenset({6})),)),
    ("de", "keine Intervalle diese Woche", (Change(Kind.NO_HARD),)),
    ("de", "diese Woche laufe ich Mo, Mi, Sa", (Change(Kind.RUNS, frozenset({0, 2, 5})),)),
    ("ru", "long run on Sunday this week", (Change(Kind.LONG, frozenset({6})),)),
    ("de", "no hard session this week", (Change(Kind.NO_HARD),)),
]  # fmt: skip


@pytest.mark.parametrize(("code", "text", "changes"), WEEK_CHANGES)
def test_a_this_week_change(code: str, text: str, changes: tuple[Change, ...]) -> None:
    words = speaking(code).week_words
    assert words is not None
    assert parse_change(text, words, TODAY) == changes


@pytest.mark.parametrize(
    ("code", "text"),
    [("ru", "на этой неделе было тяжело"), ("es", "esta semana fue dura"),
     ("pt-BR", "essa semana foi puxada"), ("de", "diese Woche war hart")],
)  # fmt: skip
def test_a_remark_about_this_week_is_no_change(code: str, text: str) -> None:
    words = speaking(code).week_words
    assert words is not None
    assert parse_change(text, words, TODAY) == ()


# ---- weights and pain --------------------------------------------------------------

WEIGHTS = [
    ("ru", "присед 60 кг", "squat", 60.0, "kg"),
    ("ru", "Готово, присед 62,5кг", "squat", 62.5, "kg"),
    ("es", "sentadilla 40 kg", "squat", 40.0, "kg"),
    ("es", "hecho, zancadas 20 kilos", "lunge", 20.0, "kg"),
    ("pt-BR", "agachamento 40 kg", "squat", 40.0, "kg"),
    ("pt-BR", "stiff 30 quilos", "single_leg_rdl", 30.0, "kg"),
    ("de", "Kniebeuge 60 kg", "squat", 60.0, "kg"),
    ("de", "erledigt, Ausfallschritte 20 Kilo", "lunge", 20.0, "kg"),
    ("ru", "squat 135 lb", "squat", 135.0, "lb"),
]


@pytest.mark.parametrize(("code", "text", "exercise", "amount", "unit"), WEIGHTS)
def test_a_weight_and_its_move(
    code: str, text: str, exercise: str, amount: float, unit: str
) -> None:
    content = speaking(code)
    reading = read_weights(text, content.load_words)
    assert reading is not None and not reading.nonsense, text
    [told] = reading.told
    assert (told.amount, told.unit) == (amount, unit)
    session = [content.catalog.exercises[key] for key in ("squat", "lunge", "single_leg_rdl")]
    found = named_move(told.name, session, content.load_words)
    assert found is not None and found.id == exercise, (text, told.name)


PAIN = [
    ("ru", "болит колено", True), ("ru", "ничего не болит", False),
    ("es", "me duele la rodilla", True), ("es", "no me duele", False),
    ("pt-BR", "no joelho dói", True), ("pt-BR", "sem dor", False),
    ("de", "das Knie tut weh", True), ("de", "keine Schmerzen", False),
    ("ru", "sharp pain", True),
]  # fmt: skip


@pytest.mark.parametrize(("code", "text", "pain"), PAIN)
def test_pain_in_the_runners_language(code: str, text: str, pain: bool) -> None:
    assert is_pain(text, speaking(code).load_words) is pain


# ---- how typed words are compared ---------------------------------------------------


def test_normalising_keeps_every_script_and_folds_latin_accents() -> None:
    assert normalise("Длительная в ВОСКРЕСЕНЬЕ!") == "длительная в воскресенье"
    assert normalise("Всё, ещё") == normalise("все еще")
    assert normalise("Sábado, miércoles") == "sabado miercoles"
    assert normalise("Größer") == "grosser"
    assert normalise("й") != normalise("и")
    assert normalize("Сделала ВСЁ")[0] == "сделала все"
    assert normalize("TERMINÉ")[0] == "termine"


# ---- the vocabulary is checked at start -------------------------------------------------


def copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def test_a_phrase_meaning_two_intents_in_one_language_stops_the_start(tmp_path: Path) -> None:
    folder = copy_content(tmp_path)
    path = folder / "languages" / "ru" / "phrases.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("[today]\nexact = [\n", '[today]\nexact = [\n    "готово",\n', 1),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as raised:
        load_content(folder)
    message = str(raised.value)
    assert "ru/phrases.toml" in message and "'готово'" in message
    assert "done" in message and "today" in message


def test_an_english_phrase_another_intent_claims_in_the_language_gives_way(
    tmp_path: Path,
) -> None:
    # "hola" is a greeting in English's file; a Spanish file that makes it a request for
    # today's session keeps its own meaning and still starts.
    folder = copy_content(tmp_path)
    path = folder / "languages" / "es" / "phrases.toml"
    text = path.read_text(encoding="utf-8").replace('"hola", "buenas",', '"buenas",')
    path.write_text(
        text.replace("[today]\nexact = [\n", '[today]\nexact = [\n    "hola",\n', 1),
        encoding="utf-8",
    )
    content = load_content(folder)
    assert content.speaking("es").phrases.understand("hola").intent is Intent.TODAY
    assert content.phrases.understand("hola").intent is Intent.GREETING


def test_each_language_reads_its_own_words_with_englishs() -> None:
    english = speaking("en")
    for code in LANGUAGES:
        content = speaking(code)
        assert content.week_words is not english.week_words, code
        assert content.load_words is not english.load_words, code
        assert content.week_words is not None and content.load_words is not None
        assert set(english.week_words.days) - {"no"} <= set(content.week_words.days) | {"no"}
        assert "kg" in content.load_words.units and "lb" in content.load_words.units


@pytest.mark.parametrize(
    ("code", "typo"),
    [("ru", "готво"), ("ru", "сдлала"), ("es", "hehco"), ("pt-BR", "fieto"), ("de", "fretig")],
)
def test_a_typo_of_done_in_the_first_word_is_forgiven(code: str, typo: str) -> None:
    assert intent_of(code, typo) is Intent.DONE, typo


def test_a_broken_phrases_file_names_its_language(tmp_path: Path) -> None:
    folder = copy_content(tmp_path)
    path = folder / "languages" / "de" / "phrases.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[export]", "[not_export]", 1), encoding="utf-8")
    with pytest.raises(ContentError, match=r"de/phrases\.toml: export"):
        load_content(folder)


@pytest.mark.parametrize(
    ("code", "text"),
    [("ru", "тренировку сделала вчера"), ("es", "hecho ayer"), ("pt-BR", "feito ontem"),
     ("de", "erledigt gestern")],
)  # fmt: skip
def test_done_yesterday_in_the_runners_language(code: str, text: str) -> None:
    understood = speaking(code).phrases.understand(text)
    assert (understood.intent, understood.yesterday) == (Intent.DONE, True), text


@pytest.mark.parametrize(
    ("code", "text", "intent"),
    [("ru", "что у меня завтра?", Intent.NEXT), ("es", "¿qué tengo mañana?", Intent.NEXT),
     ("de", "was steht morgen an?", Intent.NEXT), ("pt-BR", "o que tem pra amanhã?", Intent.NEXT)],
)  # fmt: skip
def test_tomorrow_asked_in_the_runners_language(code: str, text: str, intent: Intent) -> None:
    assert intent_of(code, text) is intent, text
