"""AppTest: first-run setup, sign-in, role-based navigation, page guards."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.conftest import PASSWORD
from ui.navigation import PAGES

PAGES_DIR = Path(__file__).resolve().parents[2] / "app_pages"


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.title]
    parts += [e.value for e in at.error] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def test_empty_database_shows_setup_and_creates_first_admin(app):
    app.run()
    assert "First-time setup" in _texts(app)
    app.text_input(key="setup_username").input("ada")
    app.text_input(key="setup_full_name").input("Ada Admin")
    app.text_input(key="setup_password").input(PASSWORD)
    app.text_input(key="setup_password_confirm").input(PASSWORD)
    app.button[0].click().run()
    assert not app.exception
    assert "Sign in" in _texts(app)


def test_setup_errors_show_next_to_fields_and_keep_values(app):
    app.run()
    app.text_input(key="setup_username").input("ada")
    app.text_input(key="setup_full_name").input("Ada Admin")
    app.text_input(key="setup_password").input("short")
    app.button[0].click().run()
    assert any("at least" in e.value for e in app.error)
    assert app.text_input(key="setup_username").value == "ada"
    assert app.text_input(key="setup_full_name").value == "Ada Admin"


def test_login_failure_shows_message(app, users):
    app.run()
    app.text_input(key="login_username").input("investigator")
    app.text_input(key="login_password").input("wrong password")
    app.button[0].click().run()
    assert any("wrong password" in e.value for e in app.error)
    assert "user" not in app.session_state


def test_login_success_shows_home(signed_in):
    app = signed_in("investigator")
    assert app.session_state["user"]["role"] == "investigator"
    assert any("Screened" in m.label for m in app.metric)


@pytest.mark.parametrize(
    "role", ["investigator", "coordinator", "monitor", "data_manager", "admin"]
)
@pytest.mark.req("REQ-SEC-01")
def test_each_role_reaches_exactly_its_pages(signed_in, role):
    app = signed_in(role)
    for spec in PAGES:
        path = str(PAGES_DIR / spec.file)
        if role in spec.roles:
            app.switch_page(path).run()
            assert not app.exception, (role, spec.file, app.exception)
            assert app.title or app.info, f"{spec.file} rendered nothing for {role}"
        else:
            with pytest.raises(ValueError, match="Could not find"):
                app.switch_page(path).run()


@pytest.mark.req("REQ-SEC-01")
def test_page_guard_stops_a_page_run_directly_without_sign_in(app_db):
    at = AppTest.from_file(str(PAGES_DIR / "users.py"), default_timeout=30).run()
    assert not at.dataframe and not at.title
    assert any("sign in" in w.value.lower() for w in at.warning)


@pytest.mark.req("REQ-SEC-08")
def test_inactivity_signs_out(signed_in, monkeypatch):
    app = signed_in("monitor")
    monkeypatch.setenv("WORKBENCH_IDLE_MINUTES", "0.1")
    app.session_state["last_activity"] = 0.0
    app.run()
    assert "user" not in app.session_state
    assert "inactivity" in _texts(app)


def test_patient_mode_makes_only_the_questionnaire_routable(signed_in):
    app = signed_in("investigator")
    app.session_state["patient_mode"] = {
        "subject_id": 1,
        "visit_id": 1,
        "form_code": "PROMIS29",
        "mode": "SELF",
        "index": 0,
        "answers": {},
    }
    app.run()
    assert not app.exception
    assert not app.sidebar.button  # no sign-out or navigation while the patient holds the tablet
    with pytest.raises(ValueError, match="Could not find"):
        app.switch_page(str(PAGES_DIR / "subjects.py")).run()
