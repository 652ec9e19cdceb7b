/* Photos picked on a form (templates/_photos.html, core/pickedphotos.py) go to the
 * upload API one request each before the form is sent, so no request carries many
 * pictures; the form then brings only their ids and the server goes on as without
 * JavaScript. Plain ES5 for old chat-app browsers; every form works without it. */
(function () {
  "use strict";

  function startPhotoUploads(picker) {
    var input = picker.querySelector("input[type=file]");
    var form = input && input.form;
    if (!form || !window.FormData) { return; }
    // The status, error and hint are named after the input (two pickers may share a page).
    var status = document.getElementById(input.id + "-status");
    if (!status) { return; }
    var busy = false;

    function say(text) {
      status.textContent = text;
      status.hidden = !text;
    }

    function showErrors(problems) {
      var error = document.getElementById(input.id + "-error");
      if (!error) {
        error = document.createElement("span");
        error.className = "field-error";
        error.id = input.id + "-error";
        input.parentNode.insertBefore(error, input.nextSibling);
      }
      error.textContent = problems.join(" ");
      picker.className += picker.className.indexOf("field-invalid") < 0 ? " field-invalid" : "";
      input.setAttribute("aria-describedby", input.id + "-error " + input.id + "-hint");
      input.setAttribute("aria-invalid", "true");
    }

    function keep(name, value) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = value;
      form.appendChild(hidden);
      return hidden;
    }

    function messageOf(request) {
      try { return JSON.parse(request.responseText).message; } catch (e) { return null; }
    }

    form.addEventListener("submit", function (event) {
      if (busy) { event.preventDefault(); return; }
      if (!input.files || !input.files.length) { return; }
      event.preventDefault();
      busy = true;
      var files = Array.prototype.slice.call(input.files);
      var room = parseInt(picker.getAttribute("data-room"), 10) -
        form.querySelectorAll('input[name="photo_id"][data-uploaded]').length;
      var problems = [];
      var token = form.querySelector('input[name="csrf_token"]').value;
      var sent = 0;
      if (files.length > room) {
        files = files.slice(0, Math.max(0, room));
        problems.push(picker.getAttribute("data-too-many"));
      }

      function next(index) {
        if (index >= files.length) { finish(); return; }
        var file = files[index];
        say(picker.getAttribute("data-uploading")
          .replace("{num}", String(index + 1)).replace("{total}", String(files.length)));
        var data = new FormData();
        data.append("file", file, file.name);
        data.append("group_id", picker.getAttribute("data-group"));
        var request = new XMLHttpRequest();
        request.open("POST", picker.getAttribute("data-photo-upload"), true);
        request.setRequestHeader("Accept", "application/json");
        request.setRequestHeader("X-CSRFToken", token);
        request.onload = function () {
          var body = null;
          if (request.status === 201) {
            try { body = JSON.parse(request.responseText); } catch (e) { body = null; }
          }
          if (body && body.id) {
            keep("photo_id", body.id).setAttribute("data-uploaded", "");
            sent += 1;
          } else {
            problems.push(file.name + ": " + (messageOf(request) || picker.getAttribute("data-upload-failed")));
            // Over the upload limit every later photo would be refused too.
            if (request.status === 429) { finish(); return; }
          }
          next(index + 1);
        };
        request.onerror = function () {
          problems.push(file.name + ": " + picker.getAttribute("data-upload-failed"));
          next(index + 1);
        };
        request.send(data);
      }

      function finish() {
        busy = false;
        input.value = "";
        say("");
        if (sent && !form.querySelector('input[name="photos_uploaded"]')) { keep("photos_uploaded", "1"); }
        // The photos that went up are kept in the form (photos_uploaded says so: a poll
        // shows them for captions first); the next submit brings them.
        if (problems.length) { showErrors(problems); return; }
        form.submit();
      }

      next(0);
    });
  }

  function start() {
    var pickers = document.querySelectorAll("[data-photo-upload]");
    for (var m = 0; m < pickers.length; m++) { startPhotoUploads(pickers[m]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
