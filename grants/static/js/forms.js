// Generic form behaviours, switched on by data attributes (loaded on every page by base.html; the
// CSP allows no inline script):
//   form[data-unsaved]  warns before leaving the page while the form holds changes not yet sent
//                       or saved; a "grants:saved" event on the form (detail.snapshot) marks it saved.
//   form[data-confirm], button[data-confirm]
//                       asks confirm(message) before submitting; cancelled means not sent.
(function () {
  "use strict";
  var baselines = new WeakMap();
  var leaving = false;

  function snapshot(form) {
    var parts = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "csrf_token") { return; }
      if (el.type === "file") {
        parts.push(el.name + "=" + Array.prototype.map.call(el.files || [], function (f) { return f.name; }).join("|"));
      } else if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { parts.push(el.name + "=" + el.value); }
      } else if (el.type !== "submit" && el.type !== "button") {
        parts.push(el.name + "=" + el.value);
      }
    });
    return parts.join("&");
  }

  function track(form) {
    if (form && form.matches && form.matches("form[data-unsaved]") && !baselines.has(form)) {
      baselines.set(form, snapshot(form));
    }
  }

  function isDirty(form) {
    return baselines.has(form) && baselines.get(form) !== snapshot(form);
  }

  function trackAll() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-unsaved]"), track);
  }

  // Forms added later (a section replaced in place) are tracked when they arrive or are first used.
  document.addEventListener("grants:formadded", function (event) { trackAll(); track(event.target); });
  document.addEventListener("focusin", function (event) { if (event.target.form) { track(event.target.form); } });
  document.addEventListener("grants:saved", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-unsaved]")) {
      baselines.set(form, event.detail && typeof event.detail.snapshot === "string" ? event.detail.snapshot : snapshot(form));
    }
  });

  // Ask first, in the capture phase: a cancelled submission reaches no other listener.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // A form really leaving the page (not sent by a script) no longer counts as unsaved. On window,
  // in the bubble phase: after every listener on the document had its chance to cancel it.
  window.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) { leaving = true; }
  });

  window.addEventListener("beforeunload", function (event) {
    if (leaving) { leaving = false; return undefined; }
    var forms = document.querySelectorAll("form[data-unsaved]");
    for (var i = 0; i < forms.length; i++) {
      if (isDirty(forms[i])) {
        event.preventDefault();
        event.returnValue = "";
        return "";
      }
    }
    return undefined;
  });

  window.GrantsForms = {snapshot: snapshot, isDirty: isDirty, track: track};
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", trackAll);
  } else {
    trackAll();
  }
})();
