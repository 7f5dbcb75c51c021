// The evaluation page (templates/scoring/evaluation.html): the scorecard's draft is saved as the
// member types, and evidence, site visits and removals are sent in the page, so nothing typed in
// the scorecard is lost. Without script every form still works by a normal submission.
(function () {
  "use strict";
  var DELAY = 1200; // ms of quiet typing before the draft is saved
  var card = document.querySelector("form[data-autosave]");
  var timer = null;
  var inflight = null;
  var again = false;

  function forms() { return window.GrantsForms; }

  function status(text, failed) {
    var box = document.querySelector("[data-autosave-status]");
    if (!box) { return; }
    box.textContent = text || "";
    box.classList.toggle("text-danger", !!failed);
    box.classList.toggle("text-muted", !failed);
  }

  function readJson(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") === -1) { return Promise.resolve({status: response.status, body: null}); }
    return response.json().then(function (body) { return {status: response.status, body: body}; });
  }

  // Save the scorecard's draft now; resolves when saved (or refused). Never submits it.
  function saveDraft() {
    if (!card) { return Promise.resolve(); }
    if (timer) { clearTimeout(timer); timer = null; }
    if (inflight) { again = true; return inflight; }
    if (forms() && !forms().isDirty(card)) { return Promise.resolve(); }
    var sent = forms() ? forms().snapshot(card) : null;
    inflight = fetch(card.getAttribute("data-autosave"), {
      method: "POST",
      body: new FormData(card),
      credentials: "same-origin",
      headers: {"Accept": "application/json"}
    }).then(readJson).then(function (answer) {
      var body = answer.body || {};
      if (answer.status === 200 && body.saved) {
        status(body.message, false);
        card.dispatchEvent(new CustomEvent("grants:saved", {bubbles: true, detail: {snapshot: sent}}));
      } else {
        status(body.message || card.getAttribute("data-autosave-failed"), true);
      }
    }).catch(function () {
      status(card.getAttribute("data-autosave-failed"), true);
    }).then(function () {
      inflight = null;
      if (again) { again = false; return saveDraft(); }
      return undefined;
    });
    return inflight;
  }

  if (card) {
    var schedule = function () {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(saveDraft, DELAY);
    };
    card.addEventListener("input", schedule);
    card.addEventListener("change", schedule);
    // Leaving the field or the page: save what is pending at once.
    card.addEventListener("focusout", function () { if (timer) { saveDraft(); } });
    window.addEventListener("pagehide", function () { if (timer) { saveDraft(); } });
  }

  // Evidence, visits and removals: sent with fetch(); the server answers with the section again
  // (the list, or the form still filled with its errors beside the fields), which replaces it here.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.matches("form[data-inpage]")) { return; }
    var section = form.closest("[data-section]");
    if (!section || !window.fetch || !window.FormData) { return; } // a normal submission then
    event.preventDefault();
    var buttons = form.querySelectorAll("button[type=submit]");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    var body = new FormData(form);
    saveDraft().then(function () {
      return fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: {"Accept": "application/json"}
      });
    }).then(readJson).then(function (answer) {
      if (!answer.body || typeof answer.body.html !== "string") { throw new Error("no section"); }
      var holder = document.createElement("div");
      holder.innerHTML = answer.body.html.trim();
      var fresh = holder.firstElementChild;
      section.replaceWith(fresh);
      Array.prototype.forEach.call(fresh.querySelectorAll("form"), function (f) {
        f.dispatchEvent(new CustomEvent("grants:formadded", {bubbles: true}));
      });
      var target;
      if (answer.body.ok) {
        var note = fresh.querySelector("[data-section-status]");
        if (note) { note.textContent = answer.body.message; }
        target = fresh.querySelector("form[data-unsaved] input:not([type=hidden]), form[data-unsaved] select");
      } else {
        target = fresh.querySelector(".is-invalid") || fresh.querySelector("[data-section-problem]");
      }
      if (target) {
        if (!target.matches("input, select, textarea, button")) { target.setAttribute("tabindex", "-1"); }
        target.focus();
      }
    }).catch(function () {
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      var note = section.querySelector("[data-section-status]");
      if (note) {
        note.textContent = section.getAttribute("data-failed") || "";
        note.classList.add("text-danger");
      }
    });
  });
})();
