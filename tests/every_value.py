"""Every command the grammar knows and every button value the core makes, for the property
tests that put each through the Slack and Teams adapters on both databases."""

from __future__ import annotations

from hypothesis import strategies as st

from bot.messages import outcome_buttons, reason_buttons
from bot.people import JOIN_BUTTONS

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
