"""One repository class per port in bot.ports, each mapping rows to bot.model dataclasses."""

from storage.repositories.dashboard import (
    SqlAuditRepository,
    SqlOrganiserSessionRepository,
    SqlSignInTokenRepository,
)
from storage.repositories.erasure import SqlErasureRegisterRepository
from storage.repositories.evidence import SqlPulseRepository, SqlShadowingRepository
from storage.repositories.outbox import SqlOutboxRepository
from storage.repositories.people import (
    SqlExclusionRepository,
    SqlParticipantRepository,
    SqlPlaceRepository,
    SqlProgrammeRepository,
    SqlSiteRepository,
)
from storage.repositories.rounds import (
    SqlDigestRepository,
    SqlOutcomeRepository,
    SqlPairRepository,
    SqlRoundRepository,
    SqlSitOutRepository,
)
from storage.repositories.settings import (
    SqlPlatformStateRepository,
    SqlSeenRequestRepository,
    SqlSettingRepository,
)

__all__ = [
    "SqlAuditRepository",
    "SqlDigestRepository",
    "SqlErasureRegisterRepository",
    "SqlExclusionRepository",
    "SqlOrganiserSessionRepository",
    "SqlOutboxRepository",
    "SqlOutcomeRepository",
    "SqlPairRepository",
    "SqlParticipantRepository",
    "SqlPlaceRepository",
    "SqlPlatformStateRepository",
    "SqlProgrammeRepository",
    "SqlPulseRepository",
    "SqlRoundRepository",
    "SqlSeenRequestRepository",
    "SqlSettingRepository",
    "SqlShadowingRepository",
    "SqlSignInTokenRepository",
    "SqlSitOutRepository",
    "SqlSiteRepository",
]
