/* Poll pages: live results (a small JSON asked every few seconds with If-None-Match,
 * so an unchanged poll costs a 304) and an "add an option" button on the create form
 * (its photos go up one by one with photos.js).
 * Plain ES5 for old chat-app browsers; every page works without it. */
(function () {
  "use strict";

  function barClass(percent) {
    return "w-" + Math.max(0, Math.min(100, Math.round(percent)));
  }

  function updateResults(section, data) {
    var voters = document.querySelectorAll("[data-voters]");
    for (var i = 0; i < voters.length; i++) { voters[i].textContent = data.voters_label; }
    // A secret ballot: how many ballots wait for their batch.
    var pending = section.querySelector("[data-pending]");
    if (pending) {
      pending.textContent = data.pending_label || "";
      pending.hidden = !data.pending_label;
    }
    for (var j = 0; j < data.options.length; j++) {
      var option = data.options[j];
      var row = section.querySelector('[data-option="' + option.id + '"]');
      if (!row) { continue; }
      var count = row.querySelector("[data-count]");
      if (count) { count.textContent = option.label; }
      // "12 voters ›" under the first voters' avatars (a new voter's face shows on reload).
      var voted = row.querySelector(".avatars-link");
      if (voted && option.voters) { voted.textContent = option.voters + " \u203a"; }
      var bar = row.querySelector(".bar");
      if (bar) { bar.setAttribute("aria-label", option.label); }
      var fill = row.querySelector(".bar-fill");
      if (fill) { fill.className = fill.className.replace(/\bw-\d+\b/, barClass(option.percent)); }
      row.className = row.className.replace(/\s*result-winner/g, "") + (option.winner ? " result-winner" : "");
    }
  }

  function startLiveResults(section) {
    var url = section.getAttribute("data-live");
    var seconds = parseInt(section.getAttribute("data-live-seconds"), 10) || 5;
    var visible = section.getAttribute("data-results-visible") === "true";
    var etag = null;

    function ask() {
      if (document.hidden) { return; }
      var request = new XMLHttpRequest();
      request.open("GET", url, true);
      request.setRequestHeader("Accept", "application/json");
      if (etag) { request.setRequestHeader("If-None-Match", etag); }
      request.onload = function () {
        if (request.status !== 200) { return; }
        etag = request.getResponseHeader("ETag");
        var data;
        try { data = JSON.parse(request.responseText); } catch (e) { return; }
        // Closed, or results shown or hidden now: the page itself changes; load it again
        // (a closed poll's page asks no more, so this happens once).
        if (data.closed || data.results_visible !== visible) {
          window.location.reload();
          return;
        }
        if (visible) { updateResults(section, data); }
      };
      request.send();
    }

    ask();
    window.setInterval(ask, seconds * 1000);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) { ask(); }
    });
  }

  // The create form shows a few empty option inputs; this adds more, up to 50 in all.
  function startMoreOptions(box) {
    var label = box.getAttribute("data-more-options");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-secondary btn-block";
    button.textContent = label;
    box.parentNode.insertBefore(button, box.nextSibling);
    button.addEventListener("click", function () {
      var fields = box.querySelectorAll(".field");
      if (fields.length >= 50) { button.hidden = true; return; }
      var copy = fields[fields.length - 1].cloneNode(true);
      var number = fields.length + 1 + (parseInt(box.getAttribute("data-option-offset"), 10) || 0);
      var input = copy.querySelector("input");
      var text = copy.querySelector("label");
      var error = copy.querySelector(".field-error");
      if (error) { error.parentNode.removeChild(error); }
      input.value = "";
      input.id = "f-option-" + fields.length;
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      text.setAttribute("for", input.id);
      text.textContent = box.getAttribute("data-option-label").replace("0", String(number));
      box.appendChild(copy);
      input.focus();
    });
  }

  // "At least / at most" only mean something for multiple choice: shown only then.
  function startChoiceFields(form) {
    var radios = form.querySelectorAll('input[name="multiple"]');
    var fields = form.querySelectorAll("[data-multiple-only]");
    function update() {
      var multiple = form.querySelector('input[name="multiple"][value="multiple"]');
      for (var i = 0; i < fields.length; i++) { fields[i].hidden = !(multiple && multiple.checked); }
    }
    for (var j = 0; j < radios.length; j++) { radios[j].addEventListener("change", update); }
    update();
  }

  // Why a secret ballot's results wait for the close: shown while "secret" is ticked
  // (the stylesheet does it with :has where the browser knows it).
  function startSecretNote(box, note) {
    function update() {
      if (box.checked) { note.removeAttribute("data-secret-only"); } else { note.setAttribute("data-secret-only", ""); }
    }
    box.addEventListener("change", update);
    update();
  }

  function start() {
    var secret = document.getElementById("f-anonymous");
    var why = document.getElementById("secret-why");
    if (secret && why) { startSecretNote(secret, why); }
    var choiceForms = document.querySelectorAll("form");
    for (var k = 0; k < choiceForms.length; k++) {
      if (choiceForms[k].querySelector("[data-multiple-only]")) { startChoiceFields(choiceForms[k]); }
    }
    var live = document.querySelectorAll("[data-live]");
    for (var i = 0; i < live.length; i++) { startLiveResults(live[i]); }
    var more = document.querySelectorAll("[data-more-options]");
    for (var j = 0; j < more.length; j++) { startMoreOptions(more[j]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
