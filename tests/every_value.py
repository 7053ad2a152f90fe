"""Every command the grammar knows and every button value the core makes, for the property
tests that put each through the Slack and Teams adapters on both databases."""

from __future__ import annotations

from hypothesis import strategies as st

from bot.messages import offered_time_buttons, outcome_buttons, reason_buttons
from bot.people import JOIN_BUTTONS
from bot.pulse import BASELINE, QUESTIONS

SITE = "St Mary's"
# Pair ids as buttons carry them: a real one's shape, 0, and past what the database stores.
PAIR_IDS = (1, 0, 2**31)

COMMANDS = [
    "",
    "help",
    "?",
    "status",
    "join clinician",
    "join manager",
    f"join clinician {SITE}",
    f"join manager {SITE}",
    "pause",
    "pause 2w",
    "pause 10 days",
    "pause until 2026-12-24",
    "resume",
    "capacity 2",
    "leave",
    "forget-me",
    "forget-me confirm",
    *(f"outcome {pair} {kind}" for pair in PAIR_IDS for kind in ("met", "could_not_meet")),
    "outcome 1 could_not_meet shift_clash",
    "shifts",
    *(f"shifts {pattern}" for pattern in ("days", "nights", "lates", "office", "none", "day", "weekends")),
    "off mon tue",
    "off none",
    "off everyday",
    *(f"every {cadence}" for cadence in ("1w", "2w", "4w", "3w", "fortnight")),
    "time 1 2026-12-03T07:45",
    "time 1 not-a-time",
    "pulse baseline relationship tension",
    "pulse 2026-Q4 understanding 3",
    "pulse 1999-q9 x y",
    *(
        f"shadow {pair} {question} {answer}"
        for pair in PAIR_IDS
        for question in ("offer", "happened")
        for answer in ("yes", "no")
    ),
    "admin round now",
    "admin digest now",
    "admin stats",
    "admin channel here",
    "admin dashboard",
]

BUTTON_VALUES = sorted(
    {
        *(button.command for button in JOIN_BUTTONS),
        *(button.command for pair in PAIR_IDS for button in outcome_buttons(pair)),
        *(button.command for pair in PAIR_IDS for button in reason_buttons(pair)),
        *(button.command for pair in PAIR_IDS for button in offered_time_buttons(pair, ["2026-12-03T07:45"])),
        # Every pulse question's answers and its Skip (bot/pulse.py question_notice).
        *(
            f"pulse {wave} {question.code} {code}"
            for wave in (BASELINE, "2026-Q4")
            for question in QUESTIONS
            for code in [*(code for code, _ in question.options), "skip"]
        ),
        # PersonalStatus.buttons (bot/status.py), the auto-pause notice's (bot/quiet.py), the
        # site pickers' (bot/people.py) and forget-me's confirmation (bot/chat.py).
        "pause 2w",
        "resume",
        "leave",
        f"join clinician {SITE}",
        f"join manager {SITE}",
        "forget-me confirm",
    }
)

EVERY = sorted({*COMMANDS, *BUTTON_VALUES})

NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["0", "2147483647", "2147483648", "²", "١٢", "1_000", "+3", "9" * 40]),
)


@st.composite
def variants(draw) -> str:
    """A real value, with its numbers swapped for any, its case changed, or noise around it."""
    value = draw(st.sampled_from(EVERY))
    words = [draw(NUMBERS) if word.isdigit() else word for word in value.split(" ")]
    text = " ".join(words)
    if draw(st.booleans()):
        text = text.upper()
    noise = draw(st.text(max_size=8))
    return draw(st.sampled_from([text, f"{text} {noise}", f"{noise}{text}", f"/coffee {text}"]))
