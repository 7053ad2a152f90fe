"""The organisers' desk: the use cases the web dashboard offers, over the core's Context.

The composition root builds one `Dashboard` and hands it to adapters.web, which never sees
the Context, a unit of work or a repository. Every method returns plain dataclasses.
"""

from __future__ import annotations

from bot.context import Context
from bot.dashboard import (
    audit,
    digest_page,
    overview,
    people,
    programme_settings,
    rounds,
    rules,
    signin,
    sites,
    staff_import,
)
from bot.dashboard.audit import AuditLine
from bot.dashboard.digest_page import BoardReportFile, DigestView
from bot.dashboard.overview import Overview
from bot.dashboard.people import ErasureView, PeopleFound, PersonView
from bot.dashboard.programme_settings import SettingsView
from bot.dashboard.rounds import RoundsView
from bot.dashboard.rules import RuleChoices, RuleView
from bot.dashboard.signin import DeskSession, StartedSession
from bot.dashboard.sites import Change, PlaceView, SiteView
from bot.dashboard.staff_import import ImportPreview
from bot.model import Organiser

__all__ = [
    "AuditLine",
    "BoardReportFile",
    "Change",
    "Dashboard",
    "DeskSession",
    "DigestView",
    "ErasureView",
    "ImportPreview",
    "Organiser",
    "Overview",
    "PeopleFound",
    "PersonView",
    "PlaceView",
    "RoundsView",
    "RuleChoices",
    "RuleView",
    "SettingsView",
    "SiteView",
    "StartedSession",
]


class Dashboard:
    def __init__(self, ctx: Context):
        self._ctx = ctx
        self._previews = rounds.PreviewCache()
        self._overview = overview.OverviewCache()

    @property
    def secure(self) -> bool:
        """True when organisers reach the dashboard over https, so cookies must say Secure."""
        return self._ctx.settings.public_url.lower().startswith("https://")

    # Signing in and out

    def link_works(self, token: str) -> bool:
        return signin.link_works(self._ctx, token)

    def start_session(self, token: str) -> StartedSession | None:
        return signin.start_session(self._ctx, token)

    def session(self, secret: str) -> DeskSession | None:
        return signin.current_session(self._ctx, secret)

    def sign_out(self, secret: str) -> None:
        signin.end_session(self._ctx, secret)

    # Reading

    def overview(self) -> Overview:
        return self._overview.get(self._ctx)

    def sites(self) -> list[SiteView]:
        return sites.list_sites(self._ctx)

    def site(self, site_id: int) -> SiteView | None:
        return sites.find_site(self._ctx, site_id)

    def place(self, place_id: int) -> PlaceView | None:
        return sites.find_place(self._ctx, place_id)

    def place_kinds(self) -> list[tuple[str, str]]:
        return sites.place_kinds()

    def audit_log(self) -> list[AuditLine]:
        return audit.audit_log(self._ctx)

    # Changing

    def rename_site(self, who: Organiser, site_id: int, name: str) -> Change:
        return self._changed(sites.rename_site(self._ctx, who, site_id, name))

    def retire_site(self, who: Organiser, site_id: int) -> Change:
        return self._changed(sites.retire_site(self._ctx, who, site_id))

    def add_place(self, who: Organiser, site_id: int, name: str, kind: str, directions: str) -> Change:
        return self._changed(sites.add_place(self._ctx, who, site_id, name, kind, directions))

    def edit_place(self, who: Organiser, place_id: int, name: str, kind: str, directions: str) -> Change:
        return self._changed(sites.edit_place(self._ctx, who, place_id, name, kind, directions))

    # People, do-not-pair rules and the staff list (bot/dashboard/people.py, rules.py, staff_import.py)

    def people(self, query: str = "", page: int = 1) -> PeopleFound:
        return people.search_people(self._ctx, query, page)

    def person(self, person_id: int) -> PersonView | None:
        return people.find_person(self._ctx, person_id)

    def site_choices(self) -> list[tuple[int, str]]:
        return people.site_choices(self._ctx)

    def erasure_preview(self, person_id: int) -> ErasureView | None:
        return people.erasure_preview(self._ctx, person_id)

    def pause_person(self, who: Organiser, person_id: int, until: str) -> Change:
        return self._changed(people.pause_person(self._ctx, who, person_id, until))

    def resume_person(self, who: Organiser, person_id: int) -> Change:
        return self._changed(people.resume_person(self._ctx, who, person_id))

    def move_person(self, who: Organiser, person_id: int, site_id: str) -> Change:
        return self._changed(people.move_person(self._ctx, who, person_id, site_id))

    def change_role(self, who: Organiser, person_id: int, role: str, capacity: str) -> Change:
        return self._changed(people.change_role(self._ctx, who, person_id, role, capacity))

    def remove_person(self, who: Organiser, person_id: int) -> Change:
        return self._changed(people.remove_person(self._ctx, who, person_id))

    def erase_person(self, who: Organiser, person_id: int) -> Change:
        return self._changed(people.erase_person(self._ctx, who, person_id))

    def rules(self) -> list[RuleView]:
        return rules.list_rules(self._ctx)

    def rule_choices(self, clinician_query: str = "", manager_query: str = "") -> RuleChoices:
        return rules.rule_choices(self._ctx, clinician_query, manager_query)

    def add_rule(self, who: Organiser, clinician_id: str, manager_id: str) -> Change:
        return self._changed(rules.add_rule(self._ctx, who, clinician_id, manager_id))

    def remove_rule(self, who: Organiser, clinician_id: str, manager_id: str) -> Change:
        return self._changed(rules.remove_rule(self._ctx, who, clinician_id, manager_id))

    def preview_staff_upload(self, data: bytes) -> ImportPreview:
        return staff_import.preview_upload(self._ctx, data)

    def confirm_staff_import(
        self, who: Organiser, text: str, fingerprint: str
    ) -> tuple[ImportPreview, Change]:
        preview, change = staff_import.confirm_staff(self._ctx, who, text, fingerprint)
        return preview, self._changed(change)

    # End of people, do-not-pair rules and the staff list
    # Programme settings, rounds and the digest (kept together, one block)

    def settings_form(self) -> SettingsView:
        return programme_settings.settings_view(self._ctx)

    def settings_form_with(self, typed: dict[str, str]) -> SettingsView:
        return programme_settings.view_with(self._ctx, typed)

    def save_settings(self, who: Organiser, typed: dict[str, str]) -> Change:
        return self._changed(programme_settings.save_settings(self._ctx, who, typed))

    def rounds(self) -> RoundsView:
        return rounds.rounds_view(self._ctx, self._previews)

    def run_round_now(self, who: Organiser) -> Change:
        return self._changed(rounds.run_now(self._ctx, who, self._previews))

    def digest(self) -> DigestView:
        return digest_page.digest_view(self._ctx)

    def board_report(self, quarter: str) -> BoardReportFile | None:
        return digest_page.board_report_file(self._ctx, quarter)

    def send_digest_now(self, who: Organiser) -> Change:
        return digest_page.send_now(self._ctx, who)

    def _changed(self, change: Change) -> Change:
        """After an organiser changed something, nobody is shown figures or a preview from before."""
        if change.ok:
            self._previews.forget()  # the next round may now be another week, on other rules
            self._overview.forget()
        return change
