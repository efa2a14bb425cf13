"""Every exercise's ladder in the real catalogue climbs in small steps (issue 13).

A runner's level step moves every exercise up one rung, so one rung must be one small
change: reps or seconds up by at most 25 % (ACSM position stand, Ratamess et al. 2009:
2-10 % more load once the reps pass the target by 1-2), or one more set, or a harder
variant, or more weight with the reps back down (double progression) — never two at once.
Before issue 13 the legs level 1 → 2 step was +58 % reps and +40 % sets.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coach.session import build_session
from bot.coach.week import Equipment, Focus
from bot.content import MAX_LEVEL, Exercise, Level, load_content

CATALOG = load_content().catalog
EXERCISES = sorted(CATALOG.exercises)

# Lower-body moves reach every legs level a runner can be at (1..12 in 4 templates of 3):
# at least 10 rungs; the rest at least 8, past the old ceiling of 6.
MIN_RUNGS_LEGS = 10
MIN_RUNGS_OTHER = 8
MAX_STEP = 0.25

# Words that name the weight, not the move: a heavier rung may change only these.
LOAD_WORDS = frozenset(
    "empty bar light moderate heavier heavy very backpack bag with books dumbbell dumbbells "
    "kettlebell or a in each hand holding full".split()
)


def _amount(level: Level) -> int:
    return level.reps if level.reps is not None else level.seconds or 0


def _unit(level: Level) -> str:
    return "reps" if level.reps is not None else "seconds"


def _base(variant: str) -> list[str]:
    words = re.sub(r"[^a-z0-9]+", " ", variant.casefold()).split()
    return [word for word in words if word not in LOAD_WORDS]


@dataclass(frozen=True)
class Step:
    kind: str  # reps | sets | variant | heavier | bad
    why: str = ""


def classify(before: Level, after: Level) -> Step:
    """Which one thing changes between two neighbouring rungs (or why it is not one)."""
    same_shape = after.per_side == before.per_side and _unit(after) == _unit(before)
    if after.heavier:
        if not after.load:
            return Step("bad", "heavier without load")
        if after.sets != before.sets or not same_shape:
            return Step("bad", "a heavier rung keeps sets, sides and reps/seconds")
        if _amount(after) > _amount(before):
            return Step("bad", "a heavier rung takes the reps back down, not up")
        if after.tempo != before.tempo or _base(after.variant) != _base(before.variant):
            return Step("bad", "a heavier rung changes only the weight words of the variant")
        return Step("heavier")
    if after.variant != before.variant:
        if after.sets != before.sets:
            return Step("bad", "a harder variant keeps the sets")
        if same_shape and _amount(after) > _amount(before):
            return Step("bad", "a harder variant does not also add reps/seconds")
        if after.load != before.load and after.load:
            return Step("bad", "taking up a weight is a heavier rung")
        return Step("variant")
    if after.tempo != before.tempo or after.load != before.load or after.rir != before.rir:
        return Step("bad", "tempo, load or rir change without a new variant or weight")
    if not same_shape:
        return Step("bad", "sides or reps/seconds change without a new variant")
    if after.sets == before.sets + 1:
        if _amount(after) > _amount(before):
            return Step("bad", "one more set and more reps/seconds at once")
        return Step("sets")
    if after.sets != before.sets:
        return Step("bad", f"sets {before.sets} → {after.sets}")
    grow = _amount(after) - _amount(before)
    if grow < 1:
        return Step("bad", "the same rung twice, or a step down")
    if grow > 1 and _amount(after) > _amount(before) * (1 + MAX_STEP):
        return Step("bad", f"{_amount(before)} → {_amount(after)} is more than 25 %")
    return Step("reps")


def _lower_body(exercise: Exercise) -> bool:
    return exercise.focus.value == "legs"


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_rung_is_one_small_step(exercise_id: str) -> None:
    levels = CATALOG.exercises[exercise_id].levels
    bad = [
        f"rung {index + 1} → {index + 2}: {step.why}"
        for index, (before, after) in enumerate(itertools.pairwise(levels))
        if (step := classify(before, after)).kind == "bad"
    ]
    assert not bad, f"{exercise_id}: " + "; ".join(bad)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_ladders_reach_past_the_old_ceiling(exercise_id: str) -> None:
    exercise = CATALOG.exercises[exercise_id]
    wanted = MIN_RUNGS_LEGS if _lower_body(exercise) else MIN_RUNGS_OTHER
    assert len(exercise.levels) >= wanted


def test_the_levels_go_to_twelve() -> None:
    assert MAX_LEVEL == 12


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_slow_tempo_words_come_with_tempo_seconds(exercise_id: str) -> None:
    # "3-s lowering" or "2-s pause" makes a rep longer: the session's minutes count it.
    for index, level in enumerate(CATALOG.exercises[exercise_id].levels):
        slow = re.search(r"\d-s (lowering|pause|hold|squeeze|turns|return)", level.variant)
        if slow and CATALOG.exercises[exercise_id].kind != "mobility":
            assert level.tempo > 0 or level.seconds is not None, f"rung {index + 1}"


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_loaded_rungs_start_light(exercise_id: str) -> None:
    # The first loaded rung is light or moderate (RIR ≥ 3): a beginner's first weight
    # is never a heavy one (Helms et al. 2016, RIR 4-5 "light").
    loaded = [level for level in CATALOG.exercises[exercise_id].levels if level.load]
    if loaded and loaded[0].rir is not None:
        assert loaded[0].rir >= 3


@pytest.mark.parametrize("exercise_id", ["back_squat", "romanian_deadlift"])
def test_gym_main_lifts_reach_the_heavy_dose(exercise_id: str) -> None:
    # Eihara et al. 2022 (meta-analysis, running economy): heavy loads (≥ 80-90 % 1RM,
    # ≤ 5 reps) help most; RIR 2 at ≤ 5 reps is about 85-90 % 1RM.
    levels = CATALOG.exercises[exercise_id].levels
    top = levels[-1]
    assert top.load and top.reps is not None and top.reps <= 5
    assert top.rir is not None and top.rir <= 2
    first = levels[0]
    assert first.load and first.rir is not None and first.rir >= 4


@pytest.mark.parametrize(
    "exercise_id", ["goblet_squat", "squat", "bulgarian_split_squat", "single_leg_rdl"]
)
def test_dumbbell_and_no_kit_ladders_carry_on_with_load(exercise_id: str) -> None:
    # A runner without a gym still has somewhere to go: a loaded or slower top rung.
    levels = CATALOG.exercises[exercise_id].levels
    assert len(levels) >= MIN_RUNGS_LEGS
    assert levels[-1].load or levels[-1].tempo > 0
    assert any(level.heavier for level in levels)


def test_calf_raise_does_not_top_out_at_bodyweight() -> None:
    levels = CATALOG.exercises["calf_raise"].levels
    single = [index for index, level in enumerate(levels) if "single-leg" in level.variant.lower()]
    loaded = [index for index, level in enumerate(levels) if level.load]
    assert single and loaded and min(single) < min(loaded)
    assert levels[-1].load


PLYO = sorted(i for i, e in CATALOG.exercises.items() if e.kind == "plyo")


def test_the_plyometrics_are_there() -> None:
    names = " ".join(CATALOG.exercises[i].name.lower() for i in PLYO)
    for move in ("pogo", "skip", "bound", "lateral", "single-leg"):
        assert move in names, move


@pytest.mark.parametrize("exercise_id", PLYO)
def test_plyo_contacts_start_near_forty(exercise_id: str) -> None:
    first = CATALOG.exercises[exercise_id].levels[0]
    contacts = first.sets * (first.reps or 0) * (2 if first.per_side else 1)
    assert 40 <= contacts <= 50


@pytest.mark.parametrize(
    ("term", "kind"),
    [
        ("nordic", "tendon"),
        ("soleus", "tendon"),
        ("tibialis", "tendon"),
        ("leg swing", "mobility"),
        ("hip flexor", "mobility"),
        ("ankle", "mobility"),
        ("thoracic", "mobility"),
    ],
)
def test_tendon_and_mobility_moves(term: str, kind: str) -> None:
    found = [e for e in CATALOG.exercises.values() if term in e.name.lower()]
    assert found, term
    exercise = found[0]
    assert exercise.kind == kind
    if kind == "tendon":
        assert exercise.keep and exercise.focus.value == "legs"
    else:
        assert exercise.focus.value == "core"


def test_nordic_starts_small_without_kit() -> None:
    nordic = next(e for e in CATALOG.exercises.values() if "nordic" in e.name.lower())
    assert nordic.needs == []
    assert "sofa" in nordic.cue.lower()
    first = nordic.levels[0].variant.lower()
    assert "range" in first or "hands" in first


# ---------------------------------------------------------------- the legs templates


def _legs(level: int) -> list[list[str]]:
    return CATALOG.template_for(Focus.LEGS, level).slots


@pytest.mark.parametrize("level", range(1, MAX_LEVEL + 1))
def test_legs_sessions_carry_core_calves_and_hips(level: int) -> None:
    slots = _legs(level)
    exercises = [[CATALOG.exercises[i] for i in slot] for slot in slots]
    assert 6 <= len(slots) <= 7
    core = [s for s in exercises if all(e.focus.value == "core" for e in s)]
    assert len(core) == 1
    kept = [s for s in exercises if all(e.keep for e in s)]
    assert len(kept) >= 2  # calves/soleus and hips
    plyo = [s for s in exercises if all(e.kind == "plyo" for e in s)]
    assert len(plyo) == (1 if level >= 4 else 0)
    tendon = [s for s in exercises if all(e.kind == "tendon" for e in s)]
    assert (len(tendon) >= 1) == (level >= 7)
    assert slots[0][0] == "back_squat"


def test_templates_serve_three_levels_each() -> None:
    for template in CATALOG.templates:
        assert len(template.levels) == 3, template


# ---------------------------------------------------------------- the step rule itself


def _rung(variant: str = "Squat", sets: int = 3, reps: int = 10, **more: object) -> Level:
    fields = {"variant": variant, "sets": sets, "reps": reps, "rest": 60, **more}
    return Level.model_validate(fields)


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        (_rung(reps=10), _rung(reps=12), "reps"),
        (_rung(reps=3), _rung(reps=4), "reps"),  # +1 is always a small step
        (_rung(reps=10), _rung(sets=4, reps=8), "sets"),
        (_rung(reps=10), _rung("Jump squat", reps=8), "variant"),
        (
            _rung("Squat, light", load=True, rir=4),
            _rung("Squat, moderate", reps=8, load=True, heavier=True, rir=3),
            "heavier",
        ),
        # Before issue 13, legs level 1 → 2: 2 sets of 10 → 3 sets of 15 (+40 % sets, +58 % reps).
        (_rung(sets=2, reps=10), _rung(sets=3, reps=15), "bad"),
        (_rung(reps=8), _rung(reps=12), "bad"),
        (_rung(reps=10), _rung("Jump squat", reps=12), "bad"),
        (_rung(reps=10), _rung("Jump squat", sets=4, reps=8), "bad"),
        (
            _rung("Squat, light", load=True, rir=4),
            _rung("Split squat, moderate", reps=8, load=True, heavier=True, rir=3),
            "bad",
        ),
        (
            _rung("Squat, light", load=True, rir=4),
            _rung("Squat, moderate", reps=12, load=True, heavier=True, rir=3),
            "bad",
        ),
        (_rung(reps=10), _rung(reps=10, tempo=2), "bad"),
    ],
)
def test_the_step_rule(before: Level, after: Level, kind: str) -> None:
    assert classify(before, after).kind == kind


@given(reps=st.integers(1, 80), more=st.integers(1, 20), sets=st.integers(1, 6))
def test_a_reps_step_is_small_exactly_when_within_a_quarter_or_one(
    reps: int, more: int, sets: int
) -> None:
    step = classify(_rung(sets=sets, reps=reps), _rung(sets=sets, reps=reps + more))
    small = more == 1 or reps + more <= reps * (1 + MAX_STEP)
    assert (step.kind == "reps") == small


@given(sets=st.integers(1, 9), reps=st.integers(1, 60), fewer=st.integers(0, 5))
def test_one_more_set_never_comes_with_more_reps(sets: int, reps: int, fewer: int) -> None:
    before = _rung(sets=sets, reps=reps + fewer)
    assert classify(before, _rung(sets=sets + 1, reps=reps)).kind == "sets"
    assert classify(before, _rung(sets=sets + 1, reps=reps + fewer + 1)).kind == "bad"


@pytest.mark.parametrize("level", range(1, MAX_LEVEL + 1))
@pytest.mark.parametrize(
    ("equipment", "bar"), list(itertools.product(Equipment, [False, True])), ids=str
)
def test_every_runners_legs_session_holds_the_runner_work(
    level: int, equipment: Equipment, bar: bool
) -> None:
    # Whatever the kit: one core move, calves and hips kept through trimming, a plyometric
    # move from level 4 and tendon work from level 7; the first move is loaded or becomes so.
    session = build_session(CATALOG, Focus.LEGS, level, equipment, bar)
    moves = [item.exercise for item in session.items]
    assert sum(move.focus is Focus.CORE for move in moves) == 1
    assert sum(move.keep for move in moves) >= 2
    assert sum(move.kind == "plyo" for move in moves) == (1 if level >= 4 else 0)
    assert any(move.kind == "tendon" for move in moves) == (level >= 7)
    assert moves[0].loaded
