"""Conversation starters themed on paired learning: each side learning the other's role."""

from __future__ import annotations

from collections.abc import Collection

STARTERS = (
    "What decision did you make this week that the other person never sees?",
    "Manager: what does a budget line mean for a ward? Clinician: what does a bed mean on a busy shift?",
    "What is one thing you wish the other side understood about your working day?",
    "Which meeting or handover shapes your week most, and why?",
    "What does a good day look like in your role, and what gets in the way of it?",
    "Where does a request you make end up, and who has to say yes to it?",
    "What number do you watch most closely at work, and what does it tell you?",
    "What would you show the other person if they shadowed you for an hour?",
    "What is a problem you are both near, seen from each side of the corridor?",
    "What did you learn in your first year in this job that nobody told you?",
    "Clinician: what slows down getting a patient home? Manager: what slows down getting a post filled?",
    "What change in the last year made your job easier, and what made it harder?",
    "Who do you go to when something is stuck, and how did you find them?",
    "What part of your role would surprise your partner most?",
    "If you could swap jobs for a morning, what would you want to try first?",
    "What does the patient in front of you need that the plan on paper misses?",
)


def choose_starter(index: int, avoid: Collection[str]) -> str:
    """The starter at `index`, stepping past any either person had last time."""
    for step in range(len(STARTERS)):
        starter = STARTERS[(index + step) % len(STARTERS)]
        if starter not in avoid:
            return starter
    return STARTERS[index % len(STARTERS)]
