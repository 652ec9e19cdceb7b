// An event's display (/e/<eid>/display): the next code without reloading the page. The
// page asks for it itself once its code rotates (data-refresh: seconds until then) and
// puts the new display in place. Without JavaScript the <noscript> meta refresh in the
// page's head reloads it instead.
(function () {
  "use strict";
  var display = document.querySelector("[data-event-display]");
  if (!display) return;

  function schedule(seconds) {
    window.setTimeout(refresh, Math.max(1, seconds) * 1000);
  }

  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html")
          .querySelector("[data-event-display]");
        if (!next) throw new Error("no display in the answer");
        display.replaceWith(next);
        display = next;
        schedule(Number(display.getAttribute("data-refresh")));
      })
      .catch(function () {
        schedule(5); // offline for a moment: try again soon, the code stays valid 40 s
      });
  }

  schedule(Number(display.getAttribute("data-refresh")));
})();
