"""The one matcher of what runners type (``bot.coach.intents`` over content/phrases.toml),
on the corpora in tests/corpus/ and on properties no phrasing may break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coach.intents import Intent, Matcher
from bot.coach.parsing import clean_text
from bot.content import CONTENT_DIR, ContentError, load_content

MATCHER: Matcher = load_content().phrases
CORPUS = Path(__file__).parent / "corpus"
# Each intent's corpus must hold at least this many phrasings.
MIN_PHRASINGS = 100


def corpus(name: str) -> list[str]:
    lines = (CORPUS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def split_note(line: str) -> tuple[str, str | None, bool]:
    """A corpus line, the note it gives (if any) and whether it gives one."""
    if " => " in line or line.endswith(" =>"):
        text, _, note = line.partition(" =>")
        return text, note.strip() or None, True
    return line, None, False


POSITIVE = [intent.value for intent in Intent if intent not in (Intent.FEEDBACK, Intent.UNKNOWN)]
NEGATIVE = ["done", "skip", "feedback"]


@pytest.mark.parametrize("name", [*POSITIVE, "feedback"])
def test_every_intent_has_a_corpus_of_a_hundred_phrasings(name: str) -> None:
    assert len(corpus(name)) >= MIN_PHRASINGS, name


# How runners ask for their streak (issue 15): the "how am I doing?" answer leads with it.
STREAK = [
    "my streak", "streak?", "Streak??", "STREAK", "streak", "how long is my streak",
    "how long is my streak?", "am I on a streak", "am i on a streak?", "am I still on a streak?",
    "whats my streak", "what's my streak?", "what is my current streak", "current streak",
    "best streak?", "longest streak", "did I break my streak?", "is my streak still alive",
    "how is my streak going", "how's my streak", "streak status", "streak count",
    "how many weeks in a row", "how many weeks in a row have I done?", "do I have a streak",
    "Streek?", "strak", "streka", "my streaks", "consistency?", "how consistent have i been",
    "how am I doing?", "How am i doin", "am I doing ok?", "am i doing well",
    "how are we doing coach",
]  # fmt: skip


@pytest.mark.parametrize("text", STREAK)
def test_the_streak_is_asked_as_how_am_i_doing(text: str) -> None:
    assert MATCHER.understand(text).intent is Intent.PROGRESS, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("skip, but keep my streak", Intent.SKIP),
        ("done! keep the streak going", Intent.DONE),
        ("what am I doing today?", Intent.TODAY),
        ("pause reminders, streak or not", Intent.PAUSE),
        ("can I do it tomorrow instead? dont want to break my streak", Intent.MOVE),
        ("undo, that broke my streak", Intent.UNDO),
    ],
)
def test_a_streak_in_a_message_steals_no_other_request(text: str, intent: Intent) -> None:
    assert MATCHER.understand(text).intent is intent, text


@pytest.mark.parametrize("name", POSITIVE)
def test_each_phrasing_means_its_intent(name: str) -> None:
    wrong = []
    for line in corpus(name):
        text, note, gives_note = split_note(line)
        found = MATCHER.understand(text)
        if found.intent.value != name or (gives_note and found.note != note):
            wrong.append(f"{text!r}: {found}")
    assert not wrong, "\n".join(wrong)


def test_each_word_of_effort_means_its_feeling() -> None:
    wrong = []
    for line in corpus("feedback"):
        feeling, _, text = (part.strip() for part in line.partition("|"))
        found = MATCHER.understand(text)
        if found.intent is not Intent.FEEDBACK or found.feeling != feeling:
            wrong.append(f"{text!r}: {found}, not {feeling}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", NEGATIVE)
def test_near_misses_never_match(name: str) -> None:
    # A false "done" logs a session that never happened: these must not be taken.
    wrong = [
        f"{line!r}: {found}"
        for line in corpus(f"not_{name}")
        if (found := MATCHER.understand(line)).intent.value == name
    ]
    assert not wrong, "\n".join(wrong)


def test_what_nothing_can_act_on_is_unknown() -> None:
    wrong = [
        f"{line!r}: {found}"
        for line in corpus("unknown")
        if (found := MATCHER.understand(line)).intent is not Intent.UNKNOWN
    ]
    assert not wrong, "\n".join(wrong)


def test_the_issues_phrasings() -> None:
    for text in ["I'm done", "ok done", "just finished!", "did my workout", "I did the session"]:
        assert MATCHER.understand(text).intent is Intent.DONE, text
    assert MATCHER.understand("👍").intent is Intent.DONE
    assert MATCHER.understand("done with work, will train later").intent is not Intent.DONE
    finished = MATCHER.understand("finished it 💪")
    assert (finished.intent, finished.note) == (Intent.DONE, None)


def test_an_unknown_message_is_compared_with_the_nearest_request() -> None:
    assert MATCHER.suggest("how do I mark a session as finished") is not None
    assert MATCHER.suggest("tomorows sesion") is Intent.NEXT
    assert MATCHER.suggest("how am i dong") is Intent.PROGRESS
    assert MATCHER.suggest("ok") is None
    assert MATCHER.suggest("asdf qwerty") is None
    assert MATCHER.suggest("🔥🔥") is None


# ---- properties -------------------------------------------------------------------------

ALL_LINES = [(name, split_note(line)[0]) for name in POSITIVE for line in corpus(name)]
NEAR_MISSES = [(name, line) for name in ["done", "skip"] for line in corpus(f"not_{name}")]
# Ways of writing the same thing: end punctuation, an emoji that is no phrase, case.
ENDINGS = ["", "!", "!!", ".", "...", " 🔥", " 🎉", "  ", "!!! 🔥"]
CASES = [str.lower, str.upper, str.capitalize, lambda text: text]


@given(
    st.sampled_from(ALL_LINES),
    st.sampled_from(ENDINGS),
    st.sampled_from(CASES),
)
def test_punctuation_emoji_and_case_never_change_the_intent(
    line: tuple[str, str], ending: str, case: object
) -> None:
    name, text = line
    written = case(text) + ending  # type: ignore[operator]
    assert MATCHER.understand(written).intent.value == name, written


@given(st.sampled_from(NEAR_MISSES), st.sampled_from(ENDINGS), st.sampled_from(CASES))
def test_a_near_miss_written_otherwise_is_still_no_match(
    line: tuple[str, str], ending: str, case: object
) -> None:
    name, text = line
    written = case(text) + ending  # type: ignore[operator]
    assert MATCHER.understand(written).intent.value != name, written


vocabulary = MATCHER.vocabulary
PRONOUNS = [phrase for phrase in vocabulary.objects if phrase in {"it", "that", "this", "them"}]
NOTES = ["planks were hard", "legs burning", "felt strong", "short on time", "Knee OK", "3 rounds"]
SEPARATORS = [", ", " - ", "! ", " 💪 ", ": ", " — ", ". "]
LEADS = ["", "ok ", "I ", "just ", "yep, ", "I've "]


@given(
    st.sampled_from(LEADS),
    st.sampled_from(vocabulary.done_with_object),
    st.sampled_from(PRONOUNS),
    st.sampled_from([*SEPARATORS, ""]),
    st.sampled_from([*NOTES, None]),
)
def test_a_done_note_never_keeps_a_leftover_pronoun(
    lead: str, verb: str, pronoun: str, separator: str, note: str | None
) -> None:
    """ "finished it 💪, planks were hard": the "it" was what was finished, not the note."""
    if note is not None and not separator:
        separator = " "
    text = f"{lead}{verb} {pronoun}{separator}{note or ''}"
    found = MATCHER.understand(text)
    assert found.intent is Intent.DONE, text
    assert found.note == note, text


@given(st.text(max_size=80))
def test_any_text_is_read_without_error_and_a_note_is_cut_from_it(text: str) -> None:
    found = MATCHER.understand(text)
    assert found.note is None or found.note in clean_text(text)
    assert (found.intent is Intent.FEEDBACK) == (found.feeling is not None)
    MATCHER.suggest(text)


@given(st.sampled_from(corpus("done")), st.sampled_from(["not ", "never ", "will be ", "almost "]))
def test_a_negation_before_done_means_not_done(line: str, negation: str) -> None:
    text = negation + split_note(line)[0]
    assert MATCHER.understand(text).intent is not Intent.DONE, text


# ---- the vocabulary is checked at start -----------------------------------------------------


def copy_with(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / "languages" / "en" / "phrases.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ('exact = ["level",', 'exact = ["today", "level",', "'today' stands for level and today"),
        ('starts = [\n    "thanks",', 'starts = [\n    "Thanks",', "lower case"),
        ('after_object = ["done",', 'after_object = ["done", "done",', "given twice"),
        ("[resume]", "[resumed]", "resume"),
    ],
)
def test_a_broken_vocabulary_stops_the_start_naming_what(
    tmp_path: Path, old: str, new: str, named: str
) -> None:
    with pytest.raises(ContentError) as caught:
        load_content(copy_with(tmp_path, old, new))
    assert "phrases.toml" in str(caught.value) and named in str(caught.value), caught.value


def test_each_skip_reason_is_read_from_what_the_runner_typed() -> None:
    """tests/corpus/skip_reason.txt: the reason a typed skip or answer gives, or none
    (then the reason buttons ask)."""
    wrong = []
    for line in corpus("skip_reason"):
        reason, _, text = (part.strip() for part in line.partition("|"))
        found = MATCHER.reason_of(text)
        if found != (None if reason == "none" else reason):
            wrong.append(f"{text!r}: {found}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("text", ["?!", "??!!", "?.", "? 🔥", "???!!! 🔥"])
def test_question_marks_with_other_marks_ask_what_the_marks_ask(text: str) -> None:
    """Found by the property above on a random draw: "?" is help, and "?!" was unknown."""
    assert MATCHER.understand(text).intent is Intent.HELP


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("export", Intent.EXPORT),
        ("export my data", Intent.EXPORT),
        ("download my data", Intent.EXPORT),
        ("can I get my data", Intent.EXPORT),
        ("what did I do this week", Intent.WEEK_SO_FAR),
        ("this week so far", Intent.WEEK_SO_FAR),
        # What the new phrases must leave alone.
        ("what did I do last week?", Intent.LAST_WEEK),
        ("my log", Intent.LAST_WEEK),
        ("how am I doing this week?", Intent.PROGRESS),
        ("how many sessions this week", Intent.PROGRESS),
        ("what's my week", Intent.WEEK),
        ("delete my data", Intent.UNKNOWN),
    ],
)
def test_export_and_this_week_on_the_testers_phrasings(text: str, intent: Intent) -> None:
    assert MATCHER.understand(text).intent is intent, text
