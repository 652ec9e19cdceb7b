/* Poll pictures in a viewer on the poll's page: a tap on an option's picture opens it
 * large, with the option's name; swipe, the arrow keys or the buttons go to the other
 * pictures, and the vote is cast (single choice) or the option ticked (multiple choice)
 * from it. Escape or "close" goes back to the picture it was opened from. Without
 * JavaScript the picture's link opens its own page (/p/<pid>/o/<oid>) with the same.
 * Plain ES5 for old chat-app browsers. */
(function () {
  "use strict";

  function startViewer(box) {
    var links = box.querySelectorAll("a[data-viewer-src]");
    var form = box.form || box.parentNode;
    while (form && form.tagName !== "FORM") { form = form.parentNode; }
    if (!links.length || !form) { return; }
    var multiple = box.getAttribute("data-viewer-multiple") === "true";
    var words = function (name) { return box.getAttribute("data-viewer-" + name); };
    var dialog = null, image, title, counter, action, at = 0, opener = null, startX = null;

    function button(className, text, label, onClick) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = className;
      b.textContent = text;
      if (label) { b.setAttribute("aria-label", label); }
      b.addEventListener("click", onClick);
      return b;
    }

    function choice(index) {
      return document.getElementById(links[index].getAttribute("data-viewer-option"));
    }

    function showAction() {
      if (!multiple) { action.textContent = words("vote"); return; }
      var chosen = choice(at).checked;
      action.textContent = chosen ? "\u2713 " + words("chosen") : words("choose");
      action.setAttribute("aria-pressed", chosen ? "true" : "false");
    }

    function show(index) {
      at = (index + links.length) % links.length;
      var link = links[at];
      image.src = link.getAttribute("data-viewer-src");
      image.alt = link.getAttribute("data-viewer-label");
      title.textContent = link.getAttribute("data-viewer-label");
      counter.textContent = words("count").replace("{num}", String(at + 1))
        .replace("{total}", String(links.length));
      showAction();
    }

    function focusable() {
      return dialog.querySelectorAll("button");
    }

    function close() {
      dialog.hidden = true;
      document.body.className = document.body.className.replace(/\s*viewer-open/g, "");
      if (opener) { opener.focus(); }
    }

    function build() {
      dialog = document.createElement("div");
      dialog.className = "viewer";
      dialog.setAttribute("role", "dialog");
      dialog.setAttribute("aria-modal", "true");
      dialog.setAttribute("aria-label", words("dialog"));
      var top = document.createElement("div");
      top.className = "viewer-top";
      counter = document.createElement("p");
      counter.className = "viewer-count";
      counter.setAttribute("aria-live", "polite");
      top.appendChild(counter);
      top.appendChild(button("viewer-close", "\u00d7", words("close"), close));
      var stage = document.createElement("div");
      stage.className = "viewer-stage";
      image = document.createElement("img");
      image.className = "viewer-image";
      stage.appendChild(image);
      title = document.createElement("h2");
      title.className = "viewer-title";
      var bottom = document.createElement("div");
      bottom.className = "viewer-bottom";
      var previous = button("viewer-nav", "\u2039", words("previous"), function () { show(at - 1); });
      var next = button("viewer-nav", "\u203a", words("next"), function () { show(at + 1); });
      action = button("btn btn-primary btn-large viewer-action", "", null, function () {
        var input = choice(at);
        if (multiple) {
          input.checked = !input.checked;
          showAction();
          return;
        }
        input.checked = true;
        close();
        form.submit();
      });
      if (links.length < 2) { previous.hidden = next.hidden = true; }
      bottom.appendChild(previous);
      bottom.appendChild(action);
      bottom.appendChild(next);
      dialog.appendChild(top);
      dialog.appendChild(stage);
      dialog.appendChild(title);
      dialog.appendChild(bottom);
      dialog.addEventListener("keydown", function (event) {
        var key = event.key || event.keyCode;
        if (key === "Escape" || key === "Esc" || key === 27) { event.preventDefault(); close(); }
        else if (key === "ArrowLeft" || key === 37) { show(at - 1); }
        else if (key === "ArrowRight" || key === 39) { show(at + 1); }
        else if (key === "Tab" || key === 9) {
          // Focus stays inside the viewer while it is open.
          var all = Array.prototype.filter.call(focusable(), function (b) { return !b.hidden; });
          var first = all[0], last = all[all.length - 1];
          if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
          else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
        }
      });
      stage.addEventListener("touchstart", function (event) {
        startX = event.touches.length === 1 ? event.touches[0].clientX : null;
      });
      stage.addEventListener("touchend", function (event) {
        if (startX === null || !event.changedTouches.length) { return; }
        var moved = event.changedTouches[0].clientX - startX;
        startX = null;
        if (Math.abs(moved) > 40) { show(moved < 0 ? at + 1 : at - 1); }
      });
      document.body.appendChild(dialog);
    }

    function open(index, link) {
      if (!dialog) { build(); }
      opener = link;
      show(index);
      dialog.hidden = false;
      document.body.className += " viewer-open";
      action.focus();
    }

    Array.prototype.forEach.call(links, function (link, index) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        open(index, link);
      });
    });
  }

  function start() {
    var boxes = document.querySelectorAll("[data-viewer-dialog]");
    for (var i = 0; i < boxes.length; i++) { startViewer(boxes[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
