"""Where a pair should meet: a shared kitchen or corridor coffee point, rotating week by week."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot.model import Place, PlaceKind, Site

_PREFERRED = (PlaceKind.KITCHEN, PlaceKind.CORRIDOR)


@dataclass(frozen=True)
class Meetup:
    place_id: int | None
    place_name: str
    kind: str
    directions: str
    site_name: str
    # For a cross-site pair: the other person's site, so both know who is travelling.
    other_site: str | None = None
    # The place's opening hours ("07:00-19:00"), when it has them.
    hours: str | None = None

    def summary(self) -> str:
        text = f"{self.place_name}, {self.site_name}"
        if self.other_site:
            text += f" (one of you is based at {self.other_site})"
        return text


class MeetupPlanner:
    """Suggests places for one round. Rotation comes from the week number plus how many
    pairs at the site have already been given a place this round, so neighbouring pairs
    and consecutive weeks get different places."""

    def __init__(self, sites: list[Site], places: list[Place], week_number: int):
        self.sites = {s.saved_id: s for s in sites}
        self.places_by_site: dict[int, list[Place]] = defaultdict(list)
        for place in sorted(places, key=lambda p: p.id or 0):
            self.places_by_site[place.site_id].append(place)
        self.week_number = week_number
        self.handed_out: dict[int, int] = defaultdict(int)

    def suggest(self, clinician_site_id: int, manager_site_id: int) -> Meetup:
        # Clinicians on shift have least freedom to walk, so a cross-site pair meets at theirs.
        site = self.sites[clinician_site_id]
        other = None if manager_site_id == clinician_site_id else self.sites[manager_site_id].name
        places = self._candidates(clinician_site_id)
        if not places:
            return Meetup(
                place_id=None,
                place_name="the staff kitchen or coffee point nearest the clinician's ward",
                kind=PlaceKind.OTHER.value,
                directions="No meeting places are listed for this site yet; pick whichever is handiest.",
                site_name=site.name,
                other_site=other,
            )
        place = places[(self.week_number + self.handed_out[clinician_site_id]) % len(places)]
        self.handed_out[clinician_site_id] += 1
        return Meetup(place.id, place.name, place.kind.value, place.directions, site.name, other, place.hours)

    def _candidates(self, site_id: int) -> list[Place]:
        places = self.places_by_site.get(site_id, [])
        preferred = [p for p in places if p.kind in _PREFERRED]
        return preferred or places
