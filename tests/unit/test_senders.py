"""What a platform says about a person is cleaned before the core keeps it."""

from __future__ import annotations

import pytest

from bot.context import NAME_LIMIT, BadSender, Sender, clean_text


def test_a_name_loses_control_characters_and_bidi_overrides_and_keeps_emoji():
    sender = Sender.from_platform(
        "slack", "U1", "Dr\x00 Amara\u202e Okafor\n\t(on call) 👩🏽‍⚕️", department="Ward\r\n7"
    )
    assert sender.display_name == "Dr Amara Okafor (on call) 👩🏽‍⚕️"
    assert sender.department == "Ward 7"


def test_a_name_too_long_for_the_database_is_cut_to_fit():
    sender = Sender.from_platform("teams", "aad-1", "Sister " + "Grace " * 100)
    assert len(sender.display_name) <= NAME_LIMIT
    assert sender.display_name.endswith("…")


def test_a_name_of_nothing_but_controls_falls_back_to_the_id():
    assert Sender.from_platform("slack", "U1", "\x07\x08\u200e").display_name == "U1"


def test_an_email_that_is_not_one_is_dropped():
    assert Sender.from_platform("slack", "U1", "A", email="x" * 300 + "@nhs.example").email is None
    assert Sender.from_platform("slack", "U1", "A", email="not an email").email is None
    assert Sender.from_platform("slack", "U1", "A", email="a@nhs.example").email == "a@nhs.example"


@pytest.mark.parametrize("user_id", ["", "U" * 256, "U1\nU2", None, 7])
def test_an_id_no_person_can_have_is_refused(user_id):
    with pytest.raises(BadSender):
        Sender.from_platform("slack", user_id, "Amara")


def test_clean_text_is_none_for_what_is_not_text():
    assert clean_text(None) is None
    assert clean_text(["a"]) is None
