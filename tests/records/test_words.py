"""Plain words for stored codes (#14 item 9): every code the database can hold has words."""

from __future__ import annotations

from sqlmodel import SQLModel

from models import ROLES
from models.subjects import SUBJECT_STATUSES
from records import words
from records.edit_checks import CHECKS
from records.queries import TRANSITIONS

INTERNAL_TABLES = {"auditevent", "querymessage", "signatureinvalidation", "sitemember"}
"""Tables no audit row or query names as its record (they are the trail and its parts)."""


def test_every_role_status_check_and_query_action_has_words():
    assert set(ROLES) <= set(words.ROLES)
    assert set(SUBJECT_STATUSES) == set(words.SUBJECT_STATUSES)
    assert set(CHECKS) == set(words.CHECKS)
    assert set(TRANSITIONS) <= set(words.QUERY_ACTIONS)


def test_every_clinical_and_review_table_has_words():
    tables = set(SQLModel.metadata.tables) - INTERNAL_TABLES
    assert tables <= set(words.ENTITIES), tables - set(words.ENTITIES)


def test_words_never_show_underscores():
    for table in (words.ROLES, words.ENTITIES, words.FIELDS, words.AUDIT_ACTIONS, words.CHECKS):
        assert not [w for w in table.values() if "_" in w]


def test_an_unknown_code_still_reads_as_words():
    assert words.field("birth_year") == "birth year"
    assert words.field("reaction_ae_id") == "infusion reaction adverse event"
    assert words.field("new_sae_flag_id") == "new SAE flag"
    assert words.entity("somethingnew") == "somethingnew"
    assert words.audit_action("bulk_import") == "Bulk import"
    assert words.role(None) == "" and words.field(None) == ""


def test_audit_actions_of_the_listings_codelist_are_these_words():
    from records.listings.codelists import APPLICATION

    assert dict(APPLICATION["AUDIT_ACTION"]) == words.AUDIT_ACTIONS
    assert dict(APPLICATION["SUBJECT_STATUS"]) == words.SUBJECT_STATUSES


def test_missing_items_are_named_by_their_labels():
    from records.completeness import item_labels
    from study import load_study

    study = load_study()
    shown = item_labels(study, "SLEDAI2K", ("low_complement", "no_such_item"))
    assert shown == ("Low complement", "no such item")
    assert item_labels(study, "NOFORM", ("a_b",)) == ("a b",)
