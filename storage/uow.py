"""The unit of work: one database transaction around one use case."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import Conflict
from storage.engine import READ_ONLY, scrub_freed_pages
from storage.errors import is_unique_violation
from storage.repositories import (
    SqlAuditRepository,
    SqlDigestRepository,
    SqlErasureRegisterRepository,
    SqlExclusionRepository,
    SqlOrganiserSessionRepository,
    SqlOutboxRepository,
    SqlOutcomeRepository,
    SqlPairRepository,
    SqlParticipantRepository,
    SqlPlaceRepository,
    SqlPlatformStateRepository,
    SqlProgrammeRepository,
    SqlPulseRepository,
    SqlRoundRepository,
    SqlSeenRequestRepository,
    SqlSettingRepository,
    SqlShadowingRepository,
    SqlSignInTokenRepository,
    SqlSiteRepository,
    SqlSitOutRepository,
)
from storage.repositories.erasure import ERASED_IN_SESSION
from storage.repositories.figures import SqlFigureRepository


class SqlUnitOfWork:
    """Use as ``with uow: ...; uow.commit()``; leaving the block rolls back whatever was not committed."""

    def __init__(self, session_factory: sessionmaker[Session], read_only: bool = False):
        self._session_factory = session_factory
        self._session: Session | None = None
        self.read_only = read_only

    def __enter__(self) -> SqlUnitOfWork:
        session = self._session = self._session_factory()
        self.programmes = SqlProgrammeRepository(session)
        self.sites = SqlSiteRepository(session)
        self.places = SqlPlaceRepository(session)
        self.participants = SqlParticipantRepository(session)
        self.exclusions = SqlExclusionRepository(session)
        self.rounds = SqlRoundRepository(session)
        self.pairs = SqlPairRepository(session)
        self.sit_outs = SqlSitOutRepository(session)
        self.outcomes = SqlOutcomeRepository(session)
        self.outbox = SqlOutboxRepository(session)
        self.digests = SqlDigestRepository(session)
        self.settings = SqlSettingRepository(session)
        self.platform_state = SqlPlatformStateRepository(session)
        self.sign_ins = SqlSignInTokenRepository(session)
        self.organiser_sessions = SqlOrganiserSessionRepository(session)
        self.audit = SqlAuditRepository(session)
        self.erasure_register = SqlErasureRegisterRepository(session)
        self.seen_requests = SqlSeenRequestRepository(session)
        self.figures = SqlFigureRepository(session)
        self.pulse = SqlPulseRepository(session)
        self.shadowing = SqlShadowingRepository(session)
        return self

    def __exit__(self, *exc: object) -> None:
        session, self._session = self._require_session(), None
        try:
            session.rollback()
        finally:
            session.close()

    def commit(self) -> None:
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        session = self._require_session()
        erased = session.info.pop(ERASED_IN_SESSION, False)
        try:
            session.commit()
        except IntegrityError as error:
            session.rollback()
            if is_unique_violation(error):
                raise Conflict(str(error.orig)) from error
            raise
        if erased:
            scrub_freed_pages(session.get_bind().engine)

    def rollback(self) -> None:
        session = self._require_session()
        session.info.pop(ERASED_IN_SESSION, None)
        session.rollback()

    def _require_session(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work inside a `with` block")
        return self._session


class SqlUnitOfWorkFactory:
    """Hands out a fresh unit of work per use case; share one factory across threads."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)
        # Same pool; the option tells storage/engine.py's BEGIN that this transaction only reads.
        self._reading = sessionmaker(
            bind=engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._reading if read_only else self._sessions, read_only)
