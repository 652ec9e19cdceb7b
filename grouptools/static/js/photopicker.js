/* Photos picked on a form whose pictures get captions (templates/_photos.html with
 * captions=true, core/pickedphotos.py): each picked photo appears at once as a preview
 * (an object URL: nothing is uploaded yet) with a caption input and a "remove" button
 * beside it, and the form then goes in one request with the photos and their captions
 * (`picked_caption`, in the files' order; `publish_now` tells the server nothing is left
 * to review). Without JavaScript the photos go with the form and come back for their
 * captions. Any widget's form may use it. Plain ES5 for old chat-app browsers. */
(function () {
  "use strict";

  function fill(template, num) {
    return template.replace("{num}", String(num));
  }

  function startPicker(picker) {
    var input = picker.querySelector("input[type=file]");
    var list = picker.querySelector("[data-picked-previews]");
    var form = input && input.form;
    if (!form || !list || !window.URL || !URL.createObjectURL) { return; }
    var room = parseInt(picker.getAttribute("data-room"), 10);
    var kept = form.querySelectorAll('input[name="photo_id"]').length;
    var urls = [];
    // Files can be taken out of the picked set only where DataTransfer builds a FileList.
    var canRemove = (function () {
      try { return !!(window.DataTransfer && new DataTransfer().items); } catch (e) { return false; }
    }());

    var publish = document.createElement("input");
    publish.type = "hidden";
    publish.name = "publish_now";
    publish.value = "1";
    form.appendChild(publish);

    function typedCaptions() {
      var inputs = list.querySelectorAll('input[name="picked_caption"]');
      var typed = [];
      for (var i = 0; i < inputs.length; i++) { typed.push(inputs[i].value); }
      return typed;
    }

    function tooMany(show) {
      var note = picker.querySelector("[data-too-many-note]");
      if (!note && show) {
        note = document.createElement("span");
        note.className = "field-error";
        note.setAttribute("data-too-many-note", "");
        note.setAttribute("role", "alert");
        note.textContent = picker.getAttribute("data-too-many");
        input.parentNode.insertBefore(note, input.nextSibling);
      }
      if (note) { note.hidden = !show; }
    }

    function removeFile(index) {
      var captions = typedCaptions();
      var transfer = new DataTransfer();
      for (var i = 0; i < input.files.length; i++) {
        if (i !== index) { transfer.items.add(input.files[i]); }
      }
      captions.splice(index, 1);
      input.files = transfer.files;
      render(captions, index);
    }

    function previewItem(file, index, caption) {
      var num = kept + index + 1;
      var item = document.createElement("li");
      item.className = "photo-option";
      var thumb = document.createElement("span");
      thumb.className = "photo-thumb";
      var img = document.createElement("img");
      var url = URL.createObjectURL(file);
      urls.push(url);
      img.src = url;
      img.alt = fill(picker.getAttribute("data-photo-alt"), num);
      img.width = 96;
      img.height = 96;
      thumb.appendChild(img);
      var fields = document.createElement("div");
      fields.className = "photo-fields";
      var field = document.createElement("div");
      field.className = "field";
      var id = "f-picked-" + index;
      var label = document.createElement("label");
      label.className = "field-label";
      label.htmlFor = id;
      label.textContent = fill(picker.getAttribute("data-caption-label"), num);
      var text = document.createElement("input");
      text.type = "text";
      text.id = id;
      text.name = "picked_caption";
      text.maxLength = 200;
      text.autocomplete = "off";
      text.value = caption || "";
      field.appendChild(label);
      field.appendChild(text);
      fields.appendChild(field);
      if (canRemove) {
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn-ghost btn-small";
        remove.textContent = fill(picker.getAttribute("data-remove-label"), num);
        remove.addEventListener("click", function () { removeFile(index); });
        fields.appendChild(remove);
      }
      item.appendChild(thumb);
      item.appendChild(fields);
      return item;
    }

    // `captions`: what was typed beside each file, kept when the list is drawn again;
    // `focusAt`: after a removal, the caption now in that place (or the picker) gets focus.
    function render(captions, focusAt) {
      while (urls.length) { URL.revokeObjectURL(urls.pop()); }
      while (list.firstChild) { list.removeChild(list.firstChild); }
      var files = input.files ? Array.prototype.slice.call(input.files) : [];
      tooMany(files.length > room);
      for (var i = 0; i < files.length && i < room; i++) {
        list.appendChild(previewItem(files[i], i, captions[i]));
      }
      list.hidden = !files.length;
      if (focusAt !== undefined) {
        var next = document.getElementById("f-picked-" + Math.min(focusAt, files.length - 1));
        (next || input).focus();
      }
    }

    input.addEventListener("change", function () { render([]); });
    form.addEventListener("submit", function () {
      var button = form.querySelector('button[type="submit"]');
      // One tap is enough: a second one while the photos go would send them twice.
      if (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      }
    });
    if (input.files && input.files.length) { render([]); }  // the browser kept them (back)
  }

  function start() {
    var pickers = document.querySelectorAll("[data-photo-picker]");
    for (var i = 0; i < pickers.length; i++) { startPicker(pickers[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
