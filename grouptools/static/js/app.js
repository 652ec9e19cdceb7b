/* grouptools: the little JavaScript pages use: copy buttons, boxes of text to copy as tall
 * as their text. Every page works without it.
 *
 * Written as plain ES5 because chat apps' built-in browsers can be old. */
(function () {
  "use strict";

  var FEEDBACK_MS = 2000;

  // The copy macro renders the text in a read-only field, readable and long-press
  // copyable without JS; the button is hidden until this script can make it work.
  function revealCopyButtons() {
    var buttons = document.querySelectorAll("[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
    }
  }

  function selectAll(field) {
    field.focus();
    field.select();
    // iOS ignores select() on inputs; a range works there.
    if (field.setSelectionRange) {
      try {
        field.setSelectionRange(0, field.value.length);
      } catch (e) { /* some input types refuse a selection range */ }
    }
  }

  // Old WebViews have no navigator.clipboard (and new ones only on HTTPS).
  function copyBySelection(field) {
    selectAll(field);
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function showResult(button, field, copied) {
    var label = button.querySelector("[data-copy-label]") || button;
    var message = document.getElementById(button.getAttribute("data-copy") + "-message");
    if (!button.hasAttribute("data-label")) {
      button.setAttribute("data-label", label.textContent);
    }
    if (copied) {
      // The label itself is a live region: the change is seen and heard.
      label.textContent = button.getAttribute("data-copied") || "✓";
      button.className += " is-copied";
      if (message) { message.textContent = ""; }
      window.setTimeout(function () {
        label.textContent = button.getAttribute("data-label");
        button.className = button.className.replace(/\s*is-copied/g, "");
      }, FEEDBACK_MS);
    } else {
      // Leave the text selected so a long press copies it by hand.
      selectAll(field);
      if (message) { message.textContent = button.getAttribute("data-copy-failed") || ""; }
    }
  }

  function copyFrom(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    var text = field.value;
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { showResult(button, field, true); },
        function () { showResult(button, field, copyBySelection(field)); }
      );
    } else {
      showResult(button, field, copyBySelection(field));
    }
  }

  document.addEventListener("click", function (event) {
    var node = event.target;
    while (node && node !== document) {
      if (node.hasAttribute && node.hasAttribute("data-copy")) {
        event.preventDefault();
        copyFrom(node);
        return;
      }
      node = node.parentNode;
    }
  });

  // A tap on the read-only text selects all of it, ready to copy by hand.
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field && field.hasAttribute && field.hasAttribute("data-copy-source")) {
      window.setTimeout(function () { selectAll(field); }, 0);
    }
  });

  // A box of text to copy shows all of it: where the browser cannot size a box to its
  // content (CSS field-sizing), fit its height to the text, again when the screen turns.
  var SIZES_ITSELF = window.CSS && CSS.supports && CSS.supports("field-sizing", "content");

  function fitCopyBoxes() {
    if (SIZES_ITSELF) { return; }
    var boxes = document.querySelectorAll("textarea[data-copy-source]");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      box.style.height = "0px";  // so scrollHeight measures the text, not the rows
      box.style.height = (box.scrollHeight + box.offsetHeight - box.clientHeight) + "px";
    }
  }

  function start() {
    revealCopyButtons();
    fitCopyBoxes();
  }

  window.addEventListener("resize", fitCopyBoxes);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
