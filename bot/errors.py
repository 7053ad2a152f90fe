"""Errors the core raises and adapters translate into words for people."""


class CorridorError(Exception):
    """Something a person or organiser got wrong; the message says what and what to do."""


class Conflict(Exception):
    """A uniqueness rule was broken (another process did the same work first)."""


class UnknownSite(CorridorError):
    def __init__(self, name: str, known: list[str]):
        listing = (
            ", ".join(known) if known else "none yet (an organiser adds them with `corridor places import`)"
        )
        super().__init__(f"There is no site called '{name}'. Known sites: {listing}.")
        self.name = name
        self.known = known
