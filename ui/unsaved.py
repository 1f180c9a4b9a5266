"""Unsaved entry is protected from a refresh or a closed tab: the browser asks before leaving.

A refresh starts a new Streamlit session and signs the user out (README, "Refresh and links"),
so values typed but not saved would be lost without a word. This guard, installed once per
browser tab, arms when the user types into the main area and disarms when a save confirms
(a new success message, as `ui.capture.flow` shows after a save) or the user signs out; while
armed, leaving the page (refresh, close, typed address) makes the browser ask first.

Page navigation inside the app does not unload the page, so it never asks there. Under browser
automation (`navigator.webdriver`) the guard stays off so test journeys can navigate freely;
the browser test that covers it switches that flag off for its own page.
"""

from __future__ import annotations

import streamlit.components.v1 as components

_SCRIPT = """
<script>
(() => {
  const host = window.parent;
  if (!host || host.__workbenchUnsavedGuard || navigator.webdriver) { return; }
  host.__workbenchUnsavedGuard = true;
  const doc = host.document;
  let armed = false;
  doc.addEventListener("input", (event) => {
    const main = doc.querySelector('[data-testid="stMain"]');
    if (main && main.contains(event.target) && event.target.type !== "password") { armed = true; }
  }, true);
  // A save confirms with a success message; React may reuse an alert node and only change its
  // test id, so every success alert not seen before counts, however it came to be.
  const saved = '[data-testid="stAlertContentSuccess"]';
  const seen = new WeakSet(doc.querySelectorAll(saved));
  new host.MutationObserver(() => {
    for (const alert of doc.querySelectorAll(saved)) {
      if (!seen.has(alert)) { seen.add(alert); armed = false; }
    }
  }).observe(doc.body, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["data-testid"],
  });
  doc.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest(".st-key-sign_out")) { armed = false; }
  }, true);
  host.addEventListener("beforeunload", (event) => {
    if (armed) { event.preventDefault(); event.returnValue = ""; }
  });
})();
</script>
"""


def guard() -> None:
    """Install the leave-page guard in this tab (idempotent: the script installs itself once)."""
    components.html(_SCRIPT, height=0)
