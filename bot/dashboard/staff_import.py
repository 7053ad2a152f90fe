"""The staff list from the dashboard: the same CSV `corridor participants import` reads.

Uploading a file only previews it: who is new, who changes and how, who stays the same, and
every problem in the file with its line and column. Nothing is written until the organiser
confirms, and a file with any problem cannot be confirmed.

The preview carries a fingerprint of exactly what it showed. Confirming checks the file
again, afresh, and writes only if the fingerprint still matches: if someone changed a
person, or a site was retired, in between, the organiser sees the new preview instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from bot.context import Context, default_programme
from bot.dashboard.audit import record
from bot.dashboard.sites import Change
from bot.errors import Conflict
from bot.imports import StaffProblem, StaffRow, check_staff, enrol_staff, erased_rows
from bot.model import Organiser, Participant
from bot.ports import UnitOfWork

LARGEST_FILE = 4 * 1024 * 1024
FIELD = "staff_list"


@dataclass(frozen=True)
class StaffLine:
    """One person in the file and what importing would do to them."""

    line: int
    name: str
    role: str
    site: str
    changes: list[str] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class ImportPreview:
    text: str
    new: list[StaffLine] = field(default_factory=list)
    updated: list[StaffLine] = field(default_factory=list)
    unchanged: list[StaffLine] = field(default_factory=list)
    problems: list[StaffProblem] = field(default_factory=list)
    fingerprint: str = ""

    @property
    def can_confirm(self) -> bool:
        return not self.problems and bool(self.new or self.updated)


def read_upload(data: bytes) -> tuple[str, list[StaffProblem]]:
    """The file as text, or the reason it cannot be read at all."""
    if not data.strip():
        return "", [StaffProblem(1, "file", "choose a CSV file to upload; the one sent was empty")]
    if len(data) > LARGEST_FILE:
        return "", [StaffProblem(1, "file", "the file is over 4 MB; split it into smaller files")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return "", [StaffProblem(1, "file", "the file is not UTF-8 text; save it again as 'CSV UTF-8'")]


def preview_upload(ctx: Context, data: bytes) -> ImportPreview:
    text, unreadable = read_upload(data)
    if unreadable:
        return ImportPreview("", problems=unreadable)
    return preview_staff(ctx, text)


def preview_staff(ctx: Context, text: str) -> ImportPreview:
    with ctx.uow(read_only=True) as uow:
        preview, _ = _plan(uow, ctx, text)
    return preview


def confirm_staff(ctx: Context, who: Organiser, text: str, fingerprint: str) -> tuple[ImportPreview, Change]:
    """Writes the file's changes in one transaction, if they are still the ones previewed."""
    with ctx.uow() as uow:
        preview, rows = _plan(uow, ctx, text)
        if preview.problems:
            return preview, Change(problems={FIELD: "The file has problems; fix them and upload it again."})
        if preview.fingerprint != fingerprint:
            return preview, Change(problems={FIELD: "Something changed since your preview; check it again."})
        if not preview.can_confirm:
            return preview, Change("Nothing to import: everyone in the file is already up to date.")
        programme = default_programme(uow, ctx.settings)
        sites = {s.name: s.saved_id for s in uow.sites.list(programme.saved_id) if not s.retired}
        done = enrol_staff(uow, ctx, programme.saved_id, rows, sites)
        counts = f"{len(preview.new)} new, {len(preview.updated)} updated, {len(preview.unchanged)} unchanged"
        if done.skipped_erased:
            counts += f", {done.skipped_erased} skipped as erased (only they can come back, by joining)"
        record(uow, ctx, programme, who, "Imported the staff list", counts)
        try:
            uow.commit()
        except Conflict:
            return preview, Change(problems={FIELD: "Someone else enrolled people just now; try again."})
    return preview, Change(f"Imported the staff list: {counts}.")


def _plan(uow: UnitOfWork, ctx: Context, text: str) -> tuple[ImportPreview, list[StaffRow]]:
    programme = default_programme(uow, ctx.settings)
    # Retired sites are gone from the join picker; a staff list cannot put anyone there either.
    sites = {s.saved_id: s.name for s in uow.sites.list(programme.saved_id) if not s.retired}
    checked, problems = check_staff(text, list(sites.values()))
    if problems:
        return ImportPreview(text, problems=problems), []
    preview = ImportPreview(text)
    # One read of everyone, not one query a row: a trust's staff list runs to thousands.
    known = {(p.platform, p.user_id): p for p in uow.participants.list(programme.saved_id)}
    erased = erased_rows(uow, ctx, [row for _, row in checked])
    for index, (line, row) in enumerate(checked):
        if index in erased:
            note = "asked to be erased: a list never enrols them again; only they can, by joining"
            preview.unchanged.append(StaffLine(line, "(erased)", row.role.value, row.site, [], note))
            continue
        person = known.get((row.platform, row.user_id))
        if person is None:
            preview.new.append(StaffLine(line, row.name, row.role.value, row.site))
            continue
        changes = _changes(person, row, sites)
        note = "has left the programme; importing does not bring them back" if person.left_at else ""
        lines = preview.updated if changes else preview.unchanged
        lines.append(StaffLine(line, row.name, row.role.value, row.site, changes, note))
    rows = [row for _, row in checked]
    return replace(preview, fingerprint=_fingerprint(preview, rows)), rows


def _changes(person: Participant, row: StaffRow, sites: dict[int, str]) -> list[str]:
    before = {
        "name": person.display_name,
        "email": person.email or "",
        "role": person.role.value,
        "site": sites.get(person.site_id, "a retired site"),
        "department": person.department or "",
        "capacity": str(person.capacity),
    }
    after = {
        "name": row.name,
        "email": row.email or "",
        "role": row.role.value,
        "site": row.site,
        "department": row.department or "",
        "capacity": str(row.capacity),
    }
    return [
        f"{column} {before[column] or '(none)'} → {after[column] or '(none)'}"
        for column in before
        if before[column] != after[column]
    ]


def _fingerprint(preview: ImportPreview, rows: list[StaffRow]) -> str:
    shown = [(kind, line.line, line.changes, line.note) for kind, lines in _kinds(preview) for line in lines]
    return hashlib.sha256(repr((shown, rows)).encode("utf-8")).hexdigest()


def _kinds(preview: ImportPreview) -> list[tuple[str, list[StaffLine]]]:
    return [("new", preview.new), ("updated", preview.updated), ("unchanged", preview.unchanged)]
