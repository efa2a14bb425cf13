"""The content files a coach edits by hand: the real ones, broken ones, and the text keys.

A content mistake must stop the bot at start with a message naming file, entry and field,
never surface as a crash in a runner's morning; and every session the bot can build for
any runner must be one a runner can actually do with their kit.
"""

from __future__ import annotations

import ast
import itertools
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bot
from bot.app import COMMANDS
from bot.coach.answers import MENU_FIELDS
from bot.coach.session import build_session
from bot.coach.status import SkipReason
from bot.coach.week import Equipment, Experience, Focus
from bot.content import (
    CONTENT_DIR,
    MAX_LEVEL,
    PLYO_CONTACTS,
    Catalog,
    Content,
    ContentError,
    Exercise,
    check_rungs,
    kit_for,
    load_content,
)
from bot.messages.callbacks import SNOOZE_MINUTES
from bot.texts import Plural, placeholders

CONTENT = load_content()
CATALOG = CONTENT.catalog
BOT_DIR = Path(bot.__file__).resolve().parent

LEVELS = range(1, MAX_LEVEL + 1)
KITS = list(itertools.product(Equipment, [False, True]))


def _words(text: str) -> set[str]:
    return set(re.sub(r"[^a-z0-9]+", " ", text.casefold()).split())


def find_exercise(term: str) -> Exercise | None:
    """An exercise whose id or name contains every word of ``term``."""
    wanted = _words(term)
    for exercise_id, exercise in CATALOG.exercises.items():
        if wanted <= _words(exercise_id) or wanted <= _words(exercise.name):
            return exercise
    return None


def chain(exercise: Exercise) -> list[Exercise]:
    """The exercise and its alternatives, in order, stopping before a repeat."""
    seen = [exercise]
    while seen[-1].alternative is not None:
        following = CATALOG.exercises[seen[-1].alternative]
        if following in seen:
            break
        seen.append(following)
    return seen


# ------------------------------------------------------------------ the real content


def test_real_content_loads() -> None:
    assert isinstance(CONTENT, Content)
    assert CATALOG.exercises
    for exercise_id, exercise in CATALOG.exercises.items():
        assert exercise.id == exercise_id
        assert len(exercise.levels) >= 8  # tests/test_content_ladders.py: 10 for legs


@pytest.mark.parametrize("focus", list(Focus))
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(("equipment", "bar"), KITS, ids=lambda v: str(v))
def test_every_session_is_doable(focus: Focus, level: int, equipment: Equipment, bar: bool) -> None:
    session = build_session(CATALOG, focus, level, equipment, bar)
    kit = kit_for(equipment, bar)
    ids = [item.exercise.id for item in session.items]
    assert len(ids) >= 4
    assert len(ids) == len(set(ids))
    # No two slots collapse onto one exercise for this kit (sessions.toml asks for that),
    # or the runner silently gets a shorter session.
    assert len(ids) == len(CATALOG.template_for(focus, level).slots)
    for item in session.items:
        assert set(item.exercise.needs) <= kit, item.exercise.id
        # Legs sessions carry the week's core work; every other move has the focus.
        assert item.exercise.focus is focus or (
            focus is Focus.LEGS and item.exercise.focus is Focus.CORE
        )
        assert item.level in item.exercise.levels
    # Untrimmed: the runner's time limit cuts it further (session_time.fit_to_budget). A
    # top-level gym legs session with heavy squats (ramp-up sets, 3-min rests) is long.
    assert 5 <= session.minutes <= (70 if focus is Focus.LEGS else 50)
    assert session.focus is focus and session.level == level


def test_level_n_uses_the_nth_variant() -> None:
    # Level N uses the Nth entry: an experienced runner gets the later variant.
    session = build_session(CATALOG, Focus.CORE, 3, Equipment.NONE, False)
    for item in session.items:
        assert item.level == item.exercise.levels[2]


@pytest.mark.parametrize(
    "term",
    [
        # Named in the blog post the coaching is based on.
        "squat",
        "lunge",
        "plank",
        "crunch",
        "russian twist",
        "push-up",
        "pull-up",
        "shoulder press",
        # Runner staples.
        "glute bridge",
        "calf raise",
        "step-up",
        "single-leg deadlift",
        "side plank",
        "dead bug",
        "bird dog",
        "clamshell",
    ],
)
def test_catalogue_has_the_exercise(term: str) -> None:
    assert find_exercise(term) is not None, term


def test_pull_up_has_a_no_bar_alternative_ending_in_no_kit() -> None:
    pull_up = CATALOG.exercises["pull_up"]
    assert "bar" in pull_up.needs
    alternatives = chain(pull_up)[1:]
    assert alternatives
    assert all("bar" not in exercise.needs for exercise in alternatives)
    assert alternatives[-1].needs == []
    assert alternatives[-1].alternative is None


@pytest.mark.parametrize("exercise_id", sorted(CATALOG.exercises))
def test_every_alternative_chain_ends_in_a_no_kit_exercise(exercise_id: str) -> None:
    # exercises.toml promises this; it is what lets any slot fall back for any runner.
    steps = chain(CATALOG.exercises[exercise_id])
    assert steps[-1].alternative is None, "alternatives loop"
    assert steps[-1].needs == []
    assert all(step.focus is steps[0].focus for step in steps)


def test_every_template_slot_resolves_for_every_kit() -> None:
    for template in CATALOG.templates:
        for slot in template.slots:
            for equipment, bar in KITS:
                kit = kit_for(equipment, bar)
                assert set(CATALOG.pick(slot, kit).needs) <= kit


def test_kit_for() -> None:
    assert kit_for(Equipment.NONE, False) == frozenset()
    assert kit_for(Equipment.NONE, True) == {"bar"}
    assert kit_for(Equipment.DUMBBELLS, False) == {"dumbbells"}
    assert kit_for(Equipment.GYM, False) == {"dumbbells", "bar", "gym"}


def test_texts_formats_and_reports_unknown_keys() -> None:
    texts = CONTENT.texts
    assert texts.weekday(0, "abbreviated") == "Mon"
    assert "Anna" in texts("onboarding.welcome", name="Anna")
    assert texts.has("misc.error") and not texts.has("misc.nope")
    with pytest.raises(KeyError):
        texts("misc.nope")


# ------------------------------------------------------------------ broken files


def broken_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the real content folder with one edit, as a coach might make it."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / file
    if not path.exists():  # a message or phrase file: English's folder
        path = folder / "languages" / "en" / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must appear once in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


PLANK_LEVEL_1 = '{ variant = "Plank from the knees", sets = 2, seconds = 20, rest = 45 }'
POGO_LEVEL_1 = '{ variant = "Pogo hops in place, small and quiet", sets = 2, reps = 20, rest = 60 }'
SQUAT_LEVEL_1 = (
    '{ variant = "Back squat, empty bar", sets = 2, reps = 8, load = true, rir = 5, rest = 90 }'
)
UPPER_WARMUP = "[warmups.upper]\nminutes = 3\n"


@pytest.mark.parametrize(
    ("file", "old", "new", "named"),
    [
        pytest.param(
            "exercises.toml",
            PLANK_LEVEL_1,
            PLANK_LEVEL_1.replace("sets = 2", "sets = 0"),
            ["exercises.toml", "exercises.plank.levels.0.sets"],
            id="sets-zero",
        ),
        pytest.param(
            "exercises.toml",
            PLANK_LEVEL_1,
            PLANK_LEVEL_1.replace("seconds = 20", "seconds = 20, reps = 8"),
            ["exercises.toml", "exercises.plank.levels.0", "reps", "seconds"],
            id="reps-and-seconds",
        ),
        pytest.param(
            "exercises.toml",
            PLANK_LEVEL_1,
            PLANK_LEVEL_1.replace("seconds = 20, ", ""),
            ["exercises.toml", "exercises.plank.levels.0", "reps", "seconds"],
            id="neither-reps-nor-seconds",
        ),
        pytest.param(
            "exercises.toml",
            'name = "Plank"\nfocus = "core"',
            'name = "Plank"\nfocus = "arms"',
            ["exercises.toml", "exercises.plank.focus"],
            id="unknown-focus",
        ),
        pytest.param(
            "exercises.toml",
            'name = "Plank"\n',
            'name = "Plank"\ncolour = "red"\n',
            ["exercises.toml", "exercises.plank.colour"],
            id="unknown-field",
        ),
        pytest.param(
            "exercises.toml",
            'alternative = "squat"',
            'alternative = "sqaut"',
            ["exercises.toml", "exercises.goblet_squat.alternative", "sqaut"],
            id="unknown-alternative",
        ),
        pytest.param(
            "exercises.toml",
            'alternative = "squat"',
            'alternative = "plank"',
            ["exercises.toml", "exercises.goblet_squat.alternative", "plank"],
            id="alternative-other-focus",
        ),
        pytest.param(
            "sessions.toml",
            '  ["plank"],\n  ["dead_bug"],\n  ["side_plank"],\n  ["bird_dog"],',
            '  ["plank"],\n  ["dead_bugg"],\n  ["side_plank"],\n  ["bird_dog"],',
            ["sessions.toml", "templates.0.slots.1", "dead_bugg"],
            id="unknown-exercise-in-slot",
        ),
        pytest.param(
            "sessions.toml",
            'focus = "legs"\nlevels = [10, 11, 12]',
            'focus = "legs"\nlevels = [10, 11]',
            ["sessions.toml", "templates", "legs", "level 12"],
            id="missing-template-for-level",
        ),
        pytest.param(
            "exercises.toml",
            POGO_LEVEL_1,
            POGO_LEVEL_1.replace("reps = 20", "reps = 60"),
            ["exercises.toml", "exercises.pogo_hops.levels.0.reps", "120 ground contacts"],
            id="plyo-too-many-contacts",
        ),
        pytest.param(
            "exercises.toml",
            POGO_LEVEL_1,
            POGO_LEVEL_1.replace("reps = 20", "reps = 10"),
            ["exercises.toml", "exercises.pogo_hops.levels.0.reps", "20 ground contacts"],
            id="plyo-too-few-contacts",
        ),
        pytest.param(
            "exercises.toml",
            PLANK_LEVEL_1,
            PLANK_LEVEL_1.replace("rest = 45", "rest = 45, rir = 3"),
            ["exercises.toml", "exercises.plank.levels.0.rir", "reps"],
            id="rir-on-a-hold",
        ),
        pytest.param(
            "exercises.toml",
            PLANK_LEVEL_1,
            PLANK_LEVEL_1.replace("rest = 45", "rest = 45, heavier = true"),
            ["exercises.toml", "exercises.plank.levels.0.heavier", "load"],
            id="heavier-without-load",
        ),
        pytest.param(
            "exercises.toml",
            SQUAT_LEVEL_1,
            SQUAT_LEVEL_1.replace(" rir = 5,", ""),
            ["exercises.toml", "exercises.back_squat.levels.0.rir", "reserve"],
            id="load-without-rir",
        ),
        pytest.param(
            "exercises.toml",
            'name = "Plank"\nfocus = "core"',
            'name = "Plank"\nfocus = "core"\nkind = "plyo"',
            ["exercises.toml", "exercises.plank.kind", "legs"],
            id="plyo-in-core",
        ),
        pytest.param(
            "exercises.toml",
            'name = "Plank"\nfocus = "core"',
            'name = "Plank"\nfocus = "core"\nkind = "cardio"',
            ["exercises.toml", "exercises.plank.kind"],
            id="unknown-kind",
        ),
        pytest.param(
            "exercises.toml",
            'name = "Push-up"\nfocus = "upper"',
            'name = "Push-up"\nfocus = "upper"\nkeep = true',
            ["exercises.toml", "exercises.push_up.keep"],
            id="keep-on-upper",
        ),
        pytest.param(
            "exercises.toml",
            'name = "Leg swings"\nfocus = "core"',
            'name = "Leg swings"\nfocus = "legs"',
            ["exercises.toml", "exercises.leg_swings.kind", "core"],
            id="mobility-not-core",
        ),
        pytest.param(
            "exercises.toml",
            POGO_LEVEL_1,
            POGO_LEVEL_1.replace("rest = 60", "rest = 60, load = true, rir = 3"),
            ["exercises.toml", "exercises.pogo_hops.levels.0.load"],
            id="loaded-plyo",
        ),
        pytest.param(
            "sessions.toml",
            'focus = "legs"\nlevels = [10, 11, 12]',
            'focus = "legs"\nlevels = [10, 11, 12, 13]',
            ["sessions.toml", "templates.7.levels", "13"],
            id="template-level-out-of-range",
        ),
        pytest.param(
            "sessions.toml",
            UPPER_WARMUP,
            "[unused_upper_warmup]\nminutes = 3\n",
            ["sessions.toml", "unused_upper_warmup"],
            id="unknown-table",
        ),
        pytest.param(
            "sessions.toml",
            UPPER_WARMUP,
            "[warmups.upper]\nminutes = 0\n",
            ["sessions.toml", "warmups.upper.minutes"],
            id="warmup-minutes-zero",
        ),
        pytest.param(
            "messages.toml",
            'saved = "Saved. ✅"',
            "saved = 5",
            ["messages.toml", "settings.saved", "text"],
            id="message-is-a-number",
        ),
        pytest.param(
            "messages.toml",
            'note_saved = "Noted: “{note}”"',
            'note_saved = "Noted: “{oops”"',
            ["messages.toml", "done.note_saved", "placeholder"],
            id="broken-placeholder",
        ),
    ],
)
def test_broken_content_names_file_entry_and_field(
    tmp_path: Path, file: str, old: str, new: str, named: list[str]
) -> None:
    folder = broken_copy(tmp_path, file, old, new)
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    for part in named:
        assert part in str(caught.value)


def test_a_missing_warm_up_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / "sessions.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index(UPPER_WARMUP)
    end = text.index("\n]\n", start) + 3
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    assert "sessions.toml" in str(caught.value)
    assert "warmups.upper" in str(caught.value)


@pytest.mark.parametrize("focus", list(Focus))
def test_every_focus_has_a_short_warm_up(focus: Focus) -> None:
    warmup = CATALOG.warmups[focus]
    assert 3 <= warmup.minutes <= 5
    assert 3 <= len(warmup.moves) <= 5
    assert all(len(move) <= 60 for move in warmup.moves)


@given(sets=st.integers(1, 10), reps=st.integers(1, 100), per_side=st.booleans())
def test_a_plyometric_rung_loads_exactly_when_its_contacts_are_in_range(
    sets: int, reps: int, per_side: bool
) -> None:
    # Ground contacts per session, sets x reps (x 2 for each leg): 40-100.
    pogo = CATALOG.exercises["pogo_hops"]
    rung = pogo.levels[0].model_copy(update={"sets": sets, "reps": reps, "per_side": per_side})
    catalog = Catalog({"pogo_hops": pogo.model_copy(update={"levels": [rung] * 4})}, [])
    contacts = sets * reps * (2 if per_side else 1)
    low, high = PLYO_CONTACTS
    if low <= contacts <= high:
        check_rungs(catalog)
    else:
        with pytest.raises(ContentError, match=r"exercises\.pogo_hops\.levels\.0\.reps"):
            check_rungs(catalog)


def test_invalid_toml_names_file_and_line(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "exercises.toml", 'name = "Plank"', 'name = "Plank')
    lines = (folder / "exercises.toml").read_text(encoding="utf-8").splitlines()
    line = lines.index('name = "Plank') + 1
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    assert "exercises.toml" in str(caught.value)
    assert f"line {line}" in str(caught.value)


def test_feature_message_files_are_merged_and_may_not_redefine_a_key(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    english = folder / "languages" / "en"
    (english / "messages" / "zz_extra.toml").write_text('[zz]\nhello = "Hi {name}"\n')
    assert load_content(folder).texts("zz.hello", name="Ann") == "Hi Ann"
    (english / "messages" / "zz_extra.toml").write_text('[settings]\nsaved = "again"\n')
    with pytest.raises(ContentError, match=r"zz_extra\.toml: settings\.saved: already defined"):
        load_content(folder)


def test_missing_file_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    (folder / "languages" / "en" / "messages.toml").unlink()
    with pytest.raises(ContentError, match=r"messages\.toml"):
        load_content(folder)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # The only no-kit row gets a kit requirement: no-kit runners have no row at all.
        pytest.param(
            'name = "Door-frame row (no-kit inverted row)"\nfocus = "upper"\nneeds = []',
            'name = "Door-frame row (no-kit inverted row)"\nfocus = "upper"\nneeds = ["bar"]',
            id="no-kit-fallback-removed",
        ),
        # Alternatives in a loop: one-arm row -> lat pulldown -> one-arm row.
        pytest.param(
            'alternative = "door_frame_row"',
            'alternative = "lat_pulldown"',
            id="alternative-loop",
        ),
    ],
)
def test_unresolvable_slot_is_caught_at_load(tmp_path: Path, old: str, new: str) -> None:
    # exercises.toml promises every chain of alternatives ends in a no-kit exercise;
    # the loader is where a coach's slip has to be caught.
    folder = broken_copy(tmp_path, "exercises.toml", old, new)
    with pytest.raises(ContentError, match=r"exercises\.toml"):
        load_content(folder)


# ------------------------------------------------------------------ text keys used in code

SECTIONS = {key.split(".")[0] for key in CONTENT.texts.keys()}
KEY_SHAPE = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")

# Keys built with f-strings in bot/: each pattern ("{}" for the formatted part) and
# every value the code can put there.
FAMILIES: dict[str, list[str]] = {
    "focus.{}": [focus.value for focus in Focus],
    "focus_icon.{}": [focus.value for focus in Focus],
    "experience.{}": [experience.value for experience in Experience],
    "equipment.{}": [equipment.value for equipment in Equipment],
    "commands.{}": list(COMMANDS),
    "settings_field.{}": list(MENU_FIELDS),
    "done.cheer_{}": ["1", "2", "3"],
    "done.already_{}_status": ["done", "skipped", "moved"],
    "skip.reason_{}": [reason.value for reason in SkipReason],
    "skip.reply_{}": [reason.value for reason in SkipReason],
    "today.dose_reps{}": ["", "_per_side"],
    "today.dose_seconds{}": ["", "_per_side"],
    "buttons.snooze_{}": [str(minutes) for minutes in SNOOZE_MINUTES],
    "progress.{}": ["seconds", "reps", "sets"],
    "phase.{}": ["taper", "race_week", "recovery", "last_legs", "legs_rest"],
    "progress.changed_{}": ["up", "down", "break"],
    "feedback.{}": ["easy", "right", "hard", "too_hard", "sore"],
    "feedback.thanks_{}": ["easy", "right", "hard", "too_hard", "sore"],
    "loads.unit_{}": ["kg", "lb"],
}


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(BOT_DIR.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_text_call(node: ast.AST) -> bool:
    """t(...), texts(...) or anything.texts(...): how bot/ looks up a message."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id in {"t", "texts"}) or (
        isinstance(func, ast.Attribute) and func.attr == "texts"
    )


def _constants(node: ast.expr) -> list[str] | None:
    """The strings an expression can be, when it is a literal or a conditional of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _constants(node.body), _constants(node.orelse)
        if body is not None and orelse is not None:
            return body + orelse
    return None


def _keys_of(node: ast.expr, unknown: list[str]) -> list[str]:
    """Every key a text call's first argument can produce; unknown f-string families noted."""
    literal = _constants(node)
    if literal is not None:
        return literal
    if isinstance(node, ast.JoinedStr):
        parts: list[list[str]] = []
        pattern = ""
        resolvable = True
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append([str(value.value)])
                pattern += str(value.value)
            else:
                assert isinstance(value, ast.FormattedValue)
                options = _constants(value.value)
                resolvable = resolvable and options is not None
                parts.append(options or [])
                pattern += "{}"
        if resolvable:
            return ["".join(combo) for combo in itertools.product(*parts)]
        if pattern in FAMILIES:
            return [pattern.replace("{}", value) for value in FAMILIES[pattern]]
        unknown.append(pattern)
    return []


def _collect() -> tuple[dict[str, list[str]], list[str], list[str]]:
    """Keys used in bot/ (key -> where), unknown f-string families, placeholder mismatches."""
    used: dict[str, list[str]] = {}
    unknown: list[str] = []
    mismatches: list[str] = []
    texts = CONTENT.texts
    for path, tree in _sources():
        # Literal pieces of f-strings are not keys on their own ("done.cheer_").
        pieces = {
            id(part)
            for node in ast.walk(tree)
            if isinstance(node, ast.JoinedStr)
            for part in node.values
        }
        for node in ast.walk(tree):
            where = f"{path.relative_to(BOT_DIR.parent)}:{getattr(node, 'lineno', '?')}"
            if _is_text_call(node):
                assert isinstance(node, ast.Call)
                keys = _keys_of(node.args[0], unknown)
                for key in keys:
                    used.setdefault(key, []).append(where)
                given = {keyword.arg for keyword in node.keywords}
                if None in given:  # **values: cannot tell statically
                    continue
                for key in keys:
                    if texts.has(key) and key in texts.keys():
                        # A plural message needs its number too (``Texts.selector``).
                        message = texts.message(key)
                        needed = set(placeholders(message))
                        if isinstance(message, Plural):
                            needed.add(texts.selector(key))
                        missing = needed - given
                        if missing and given:
                            mismatches.append(f"{where}: {key} needs {sorted(missing)}")
                        if not given and needed:
                            mismatches.append(f"{where}: {key} shown with raw placeholders")
            elif (
                isinstance(node, ast.Constant)
                and id(node) not in pieces
                and isinstance(node.value, str)
                and KEY_SHAPE.match(node.value)
                and node.value.split(".")[0] in SECTIONS
            ):
                # Keys chosen into a variable first (key = "a" if ... else "b").
                used.setdefault(node.value, []).append(where)
    return used, unknown, mismatches


USED, UNKNOWN_FAMILIES, PLACEHOLDER_MISMATCHES = _collect()


def test_the_key_scan_sees_the_code() -> None:
    # Guards the scanner: if it found nothing, the tests below would pass vacuously.
    for key in ["misc.error", "today.header", "focus.core", "commands.cancel", "done.cheer_3"]:
        assert key in USED, key
    for key in ["onboarding.cancelled_settings", "today.dose_seconds_per_side", "buttons.three"]:
        assert key in USED, key
    assert len(USED) > 100


def test_no_unhandled_f_string_key_families() -> None:
    # A new t(f"...{x}") in bot/ must be added to FAMILIES so its keys are checked.
    assert UNKNOWN_FAMILIES == []


def test_every_text_key_used_in_code_exists() -> None:
    missing = {key: where for key, where in USED.items() if not CONTENT.texts.has(key)}
    assert missing == {}


def test_every_placeholder_is_filled_where_the_text_is_used() -> None:
    # A missing value is a KeyError when the message is sent, not at start.
    assert PLACEHOLDER_MISMATCHES == []
