"""Organiser settings and the small documents adapters keep."""

from __future__ import annotations

from bot.model import Role


def test_an_organiser_sets_and_changes_the_digest_channel(uow_factory, hospital):
    programme_id = hospital.programme.id
    with uow_factory() as uow:
        assert uow.settings.get(programme_id, "digest_channel") is None
        uow.settings.put(programme_id, "digest_channel", "C111")
        uow.settings.put(programme_id, "digest_channel", "C222")
        uow.settings.put(programme_id, "alerts_channel", "C222")
        uow.settings.put(programme_id, "timezone", "Europe/London")
        uow.commit()

    with uow_factory() as uow:
        assert uow.settings.get(programme_id, "digest_channel") == "C222"
        assert uow.settings.get(programme_id, "alerts_channel") == "C222"
        assert uow.settings.get(programme_id, "timezone") == "Europe/London"


def test_platform_state_is_kept_and_forgotten_with_its_person(uow_factory, hospital):
    ann = hospital.join(Role.CLINICIAN, "Ann")
    reference = {"conversation": {"id": "a:1"}, "serviceUrl": "https://smba.example/emea/"}
    with uow_factory() as uow:
        uow.platform_state.put("teams", f"ref:{ann.user_id}", {"old": True}, participant_id=ann.id)
        uow.platform_state.put("teams", f"ref:{ann.user_id}", reference, participant_id=ann.id)
        uow.platform_state.put("slack", "bot_user", {"id": "B1"})
        uow.commit()

    with uow_factory() as uow:
        assert uow.platform_state.get("teams", f"ref:{ann.user_id}") == reference
        assert uow.platform_state.get("teams", "ref:nobody") is None
        uow.platform_state.delete_for(ann.id)
        uow.commit()

    with uow_factory() as uow:
        assert uow.platform_state.get("teams", f"ref:{ann.user_id}") is None
        assert uow.platform_state.get("slack", "bot_user") == {"id": "B1"}


def test_a_reference_kept_for_someone_who_never_joined_can_be_deleted_by_key(uow_factory):
    with uow_factory() as uow:
        uow.platform_state.put("teams", "ref:aad-visitor", {"serviceUrl": "https://smba.example/"})
        uow.platform_state.put("teams", "ref:aad-other", {"serviceUrl": "https://smba.example/"})
        uow.commit()
    with uow_factory() as uow:
        uow.platform_state.delete("teams", "ref:aad-visitor")
        uow.commit()
    with uow_factory() as uow:
        assert uow.platform_state.get("teams", "ref:aad-visitor") is None
        assert uow.platform_state.get("teams", "ref:aad-other") is not None
