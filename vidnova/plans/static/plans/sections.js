// Plan sections: a small formatting toolbar, text kept in this browser while typing, autosave to the
// server as a personal draft, and client-side "Add rows" in table grids. Every page works without
// this file: the server shows drafts, merges conflicts and adds rows on its own.
// Translated texts come from the page (data-msg-* attributes and the toolbar <template>).
(function () {
  "use strict";

  var AUTOSAVE_EVERY_MS = 20000;
  var LOCAL_SAVE_DELAY_MS = 800;
  var BEACON_LIMIT = 60000; // characters; browsers refuse larger beacons

  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input && input.value) { return input.value; }
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function storage() {
    try {
      var probe = "vidnova:probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null; // private mode or storage full: the server draft still works
    }
  }

  // --- formatting toolbar ---------------------------------------------------------------------

  var WRAPS = {
    h2: ["<h2>", "</h2>"],
    h3: ["<h3>", "</h3>"],
    p: ["<p>", "</p>"],
    strong: ["<strong>", "</strong>"],
    em: ["<em>", "</em>"]
  };

  function replaceSelection(textarea, before, inner, after) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var value = textarea.value;
    textarea.value = value.slice(0, start) + before + inner + after + value.slice(end);
    textarea.focus();
    textarea.setSelectionRange(start + before.length, start + before.length + inner.length);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function listOf(tag, text) {
    var lines = text.split(/\n/).filter(function (line) { return line.trim() !== ""; });
    if (!lines.length) { lines = [""]; }
    return "<" + tag + ">\n" + lines.map(function (line) { return "  <li>" + line.trim() + "</li>"; }).join("\n") + "\n</" + tag + ">";
  }

  function applyFormat(textarea, format, prompts) {
    var selected = textarea.value.slice(textarea.selectionStart, textarea.selectionEnd);
    if (WRAPS[format]) {
      replaceSelection(textarea, WRAPS[format][0], selected, WRAPS[format][1]);
    } else if (format === "ul" || format === "ol") {
      replaceSelection(textarea, "", listOf(format, selected), "");
    } else if (format === "a") {
      var url = window.prompt(prompts.link || "URL", "https://");
      if (!url || !/^(https?:\/\/|mailto:)/i.test(url)) { textarea.focus(); return; }
      var safeUrl = url.replace(/"/g, "%22");
      replaceSelection(textarea, '<a href="' + safeUrl + '">', selected || url, "</a>");
    }
  }

  function addToolbars(form) {
    var template = document.getElementById("rich-text-toolbar");
    if (!template || !("content" in template)) { return; }
    var prompts = { link: template.getAttribute("data-link-prompt") };
    form.querySelectorAll("textarea[data-rich-text]").forEach(function (textarea) {
      var toolbar = template.content.firstElementChild.cloneNode(true);
      toolbar.setAttribute("aria-controls", textarea.id);
      toolbar.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-format]");
        if (button) { applyFormat(textarea, button.getAttribute("data-format"), prompts); }
      });
      textarea.parentNode.insertBefore(toolbar, textarea);
    });
  }

  // --- keeping the text: this browser and the server ------------------------------------------

  function setupEditor(form) {
    var store = storage();
    var key = form.getAttribute("data-draft-key");
    var autosaveUrl = form.getAttribute("data-autosave-url");
    var status = document.getElementById("autosave-status");
    var uk = form.querySelector("textarea[name=body_uk]");
    var en = form.querySelector("textarea[name=body_en]");
    var versionInput = form.querySelector("input[name=version]");
    var currentVersion = parseInt(form.getAttribute("data-section-version"), 10);
    var isConflict = form.hasAttribute("data-conflict");
    var notSaved = form.hasAttribute("data-not-saved") || isConflict;
    var dirtyForServer = false;
    var dirtySinceLoad = false;
    var submitting = false;
    var localTimer = null;
    var msg = function (name) { return form.getAttribute("data-msg-" + name) || ""; };
    if (!uk || !en || !versionInput) { return; }

    function say(text) { if (status) { status.textContent = text; } }

    function readLocal() {
      if (!store) { return null; }
      try { return JSON.parse(store.getItem(key) || "null"); } catch (error) { return null; }
    }

    function writeLocal(submitted) {
      if (!store) { return; }
      var entry = { uk: uk.value, en: en.value, base: parseInt(versionInput.value, 10), at: Date.now(), submitted: !!submitted };
      try { store.setItem(key, JSON.stringify(entry)); } catch (error) { /* storage full: the server draft remains */ }
    }

    function clearLocal() { if (store) { store.removeItem(key); } }

    // What this browser kept from last time.
    var entry = readLocal();
    if (entry && notSaved) {
      // The last save did not go through (conflict or error): the text is not saved yet.
      entry.submitted = false;
      try { store.setItem(key, JSON.stringify(entry)); } catch (error) { /* ignore */ }
    } else if (entry && entry.submitted && currentVersion > entry.base) {
      clearLocal(); // it was saved
      entry = null;
    }
    var differs = entry && (entry.uk !== uk.value || entry.en !== en.value);
    var offer = document.getElementById("local-draft");
    if (entry && differs && !isConflict && offer) {
      var when = offer.querySelector("[data-local-draft-when]");
      if (when) { when.textContent = new Date(entry.at).toLocaleString(document.documentElement.lang || undefined); }
      offer.hidden = false;
      offer.querySelector("[data-local-draft-restore]").addEventListener("click", function () {
        uk.value = entry.uk;
        en.value = entry.en;
        // Typed on an older version: saving it shows the merge instead of overwriting.
        versionInput.value = String(Math.min(entry.base, currentVersion));
        offer.hidden = true;
        dirtyForServer = true;
        dirtySinceLoad = true;
        say(msg("restored"));
        uk.focus();
      });
      offer.querySelector("[data-local-draft-discard]").addEventListener("click", function () {
        clearLocal();
        offer.hidden = true;
        uk.focus();
      });
    }

    function onInput() {
      dirtyForServer = true;
      dirtySinceLoad = true;
      window.clearTimeout(localTimer);
      localTimer = window.setTimeout(function () { writeLocal(false); }, LOCAL_SAVE_DELAY_MS);
    }
    uk.addEventListener("input", onInput);
    en.addEventListener("input", onInput);

    function draftBody() {
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrfToken(form));
      body.append("body_uk", uk.value);
      body.append("body_en", en.value);
      body.append("based_on_version", versionInput.value);
      return body;
    }

    function autosave() {
      if (!dirtyForServer || submitting || !autosaveUrl || !window.fetch) { return; }
      dirtyForServer = false;
      window.fetch(autosaveUrl, {
        method: "POST",
        body: draftBody(),
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form), "Accept": "application/json" }
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.ok) {
            say(data.message || msg("saved"));
          } else {
            if (response.status >= 500 || response.status === 0) { dirtyForServer = true; }
            say((data && data.error) || msg("failed"));
          }
        });
      }).catch(function () {
        dirtyForServer = true; // try again at the next tick
        say(msg("offline"));
      });
    }
    window.setInterval(autosave, AUTOSAVE_EVERY_MS);

    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState !== "hidden" || !dirtyForServer || submitting) { return; }
      writeLocal(false);
      if (navigator.sendBeacon && uk.value.length + en.value.length < BEACON_LIMIT) {
        if (navigator.sendBeacon(autosaveUrl, draftBody())) { dirtyForServer = false; }
      }
    });

    form.addEventListener("submit", function () {
      submitting = true;
      writeLocal(true);
    });

    // Leaving the page asks nothing: the text is kept in this browser (and on the server) and is
    // offered again on return.
    window.addEventListener("pagehide", function () {
      if (dirtySinceLoad && !submitting) { writeLocal(false); }
    });

    addToolbars(form);
  }

  // --- table grids: add rows without a round trip ----------------------------------------------

  function setupGrid(form) {
    var button = form.querySelector("[data-add-rows]");
    var rowsInput = form.querySelector("input[name=rows]");
    var tbody = form.querySelector("table.grid tbody");
    var maxRows = parseInt(form.getAttribute("data-max-rows"), 10) || 0;
    if (!button || !rowsInput || !tbody) { return; }
    button.addEventListener("click", function (event) {
      var last = tbody.querySelector("tr:last-child");
      if (!last) { return; }
      event.preventDefault();
      var firstNew = null;
      for (var i = 0; i < 3; i += 1) {
        var count = parseInt(rowsInput.value, 10) || 0;
        if (maxRows && count >= maxRows) { break; }
        var number = count + 1;
        var row = last.cloneNode(true);
        row.setAttribute("data-grid-row", String(number));
        row.querySelector("th").textContent = String(number);
        row.querySelectorAll(".cell-message").forEach(function (node) { node.remove(); });
        row.querySelectorAll("td").forEach(function (cell) { cell.classList.remove("cell-error"); });
        row.querySelectorAll("input[type=checkbox]").forEach(function (box) {
          var cell = box.closest("td");
          if (cell) { cell.textContent = ""; }
        });
        row.querySelectorAll("input, select, label").forEach(function (node) {
          ["name", "id", "for"].forEach(function (attribute) {
            var value = node.getAttribute(attribute);
            if (value) { node.setAttribute(attribute, value.replace(/r\d+-/, "r" + number + "-")); }
          });
          node.removeAttribute("aria-invalid");
          node.removeAttribute("aria-describedby");
          if (node.tagName === "LABEL") { node.textContent = node.textContent.replace(/\d+/, String(number)); }
          if (node.tagName === "INPUT") { node.value = ""; }
          if (node.tagName === "SELECT") { node.selectedIndex = 0; }
        });
        tbody.appendChild(row);
        rowsInput.value = String(number);
        last = row;
        if (!firstNew) { firstNew = row; }
      }
      var focusable = firstNew && firstNew.querySelector("input, select");
      if (focusable) { focusable.focus(); }
    });
  }

  document.querySelectorAll("form[data-section-editor]").forEach(setupEditor);
  document.querySelectorAll("form[data-table-grid]").forEach(setupGrid);
})();
