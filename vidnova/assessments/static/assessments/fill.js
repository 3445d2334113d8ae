// Filling in an assessment: applies the form's rules live (rules.js: relevant, constraint,
// choice_filter over all the assessment's answers), saves every answer as it is given, shows both
// values when someone else saved in between, and keeps unsaved typing in this browser until it is
// saved (offered back after a reload, retried when the connection returns). The page works without
// this file as a normal form. Texts come from the form's data-msg-* attributes.
(function () {
  "use strict";
  var form = document.getElementById("fill-form");
  var rulesNode = document.getElementById("fill-rules");
  var R = window.VidnovaRules;
  if (!form || !rulesNode || !R) { return; }
  var data = JSON.parse(rulesNode.textContent);
  var answers = data.answers || {};
  var questions = data.questions || [];
  var byName = {};
  questions.forEach(function (q) { byName[q.name] = q; });
  var saveUrl = form.getAttribute("data-save-url");
  var prefix = "vidnova:assessment:" + form.getAttribute("data-assessment") + ":";
  var waiting = {};
  var store = null;
  try { window.localStorage.setItem(prefix + "probe", "1"); window.localStorage.removeItem(prefix + "probe"); store = window.localStorage; } catch (e) { store = null; }

  function msg(name) { return form.getAttribute("data-msg-" + name) || ""; }
  function section(name) { return document.getElementById("q-" + name); }
  function field(name, prefixName) { return form.querySelector("[name='" + prefixName + name + "']"); }
  function answerable(q) { return q && q.type !== "note"; }
  function csrf() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function readValue(q) {
    var el = section(q.name);
    if (q.type === "select_one" || q.type === "select_multiple") {
      var picked = [];
      el.querySelectorAll("input[name='q-" + q.name + "']:checked").forEach(function (i) { picked.push(i.value); });
      return picked.join(" ");
    }
    var input = field(q.name, "q-");
    return input ? input.value.trim() : "";
  }
  function readComment(name) { var c = field(name, "c-"); return c ? c.value : ""; }
  function setValue(q, value) {
    if (q.type === "select_one" || q.type === "select_multiple") {
      var tokens = (value || "").split(" ");
      section(q.name).querySelectorAll("input[name='q-" + q.name + "']").forEach(function (i) { i.checked = tokens.indexOf(i.value) >= 0; });
    } else if (field(q.name, "q-")) { field(q.name, "q-").value = value || ""; }
  }
  function setStored(name, value, comment, version) {
    field(name, "o-").value = value;
    field(name, "oc-").value = comment;
    field(name, "v-").value = version;
    answers[name] = value;
  }
  function display(q, value) {
    if (!value) { return msg("empty"); }
    if (!q.list) { return value; }
    var labels = {};
    (data.choices[q.list] || []).forEach(function (c) { labels[c.name] = c.label; });
    return value.split(" ").map(function (t) { return labels[t] || t; }).join("; ");
  }
  function say(name, text, isError) {
    var node = document.getElementById("status-" + name);
    if (!node) { return; }
    node.textContent = text;
    node.classList.toggle("fill-status-error", !!isError);
  }

  // --- rules, live --------------------------------------------------------------------------
  function current() {
    var all = {}, k;
    for (k in answers) { if (Object.prototype.hasOwnProperty.call(answers, k)) { all[k] = answers[k]; } }
    questions.forEach(function (q) { if (answerable(q)) { all[q.name] = readValue(q); } });
    return all;
  }
  function apply() {
    var all = current();
    questions.forEach(function (q) {
      var el = section(q.name);
      if (!el) { return; }
      var shown = R.isRelevant(q, all);
      el.hidden = !shown;
      if (!shown) { all[q.name] = ""; }
      if (q.choice_filter) {
        el.querySelectorAll("[data-choice]").forEach(function (row) {
          var name = row.getAttribute("data-choice");
          var choice = (data.choices[q.list] || []).filter(function (c) { return c.name === name; })[0] || { name: name };
          row.hidden = !R.choiceOk(q, choice, all);
        });
      }
    });
    return all;
  }

  // --- this browser's copy ------------------------------------------------------------------
  function keep(name, value, comment, base) {
    if (!store) { return; }
    try { store.setItem(prefix + name, JSON.stringify({ value: value, comment: comment, base: base, at: Date.now() })); } catch (e) { /* full */ }
  }
  function kept(name) {
    if (!store) { return null; }
    try { return JSON.parse(store.getItem(prefix + name) || "null"); } catch (e) { return null; }
  }
  function forget(name) { if (store) { store.removeItem(prefix + name); } delete waiting[name]; }

  // --- saving ---------------------------------------------------------------------------------
  function progress(p) {
    if (!p) { return; }
    var overall = form.ownerDocument.querySelector("[data-progress=overall]");
    var overallText = form.ownerDocument.querySelector("[data-progress-text=overall]");
    if (overall) { overall.value = p.percent; }
    if (overallText) { overallText.textContent = p.percent + "%"; }
    if (p.page) {
      var bar = form.ownerDocument.querySelector("[data-progress=page]");
      var text = form.ownerDocument.querySelector("[data-progress-text=page]");
      if (bar) { bar.max = p.page.applicable || 1; bar.value = p.page.answered; }
      if (text) { text.textContent = msg("page-progress").replace("%(answered)s", p.page.answered).replace("%(applicable)s", p.page.applicable); }
    }
  }
  function clearConflict(name) {
    var box = section(name).querySelector(".fill-conflict");
    if (box) { box.parentNode.removeChild(box); }
  }
  function button(text, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button-small";
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }
  function column(title, value, comment) {
    var div = document.createElement("div");
    var h = document.createElement("h3");
    h.className = "fill-conflict-title";
    h.textContent = title;
    var p = document.createElement("p");
    p.textContent = value;
    div.appendChild(h);
    div.appendChild(p);
    if (comment) { var c = document.createElement("p"); c.className = "muted"; c.textContent = comment; div.appendChild(c); }
    return div;
  }
  function showConflict(name, conflict, comment) {
    var q = byName[name];
    clearConflict(name);
    var box = document.createElement("div");
    box.className = "fill-conflict";
    box.setAttribute("role", "alert");
    var intro = document.createElement("p");
    intro.textContent = msg("conflict");
    var grid = document.createElement("div");
    grid.className = "grid-2";
    grid.appendChild(column(msg("yours"), display(q, conflict.yours), comment));
    grid.appendChild(column(msg("theirs") + (conflict.their_author ? " (" + msg("by") + " " + conflict.their_author + ")" : ""), display(q, conflict.theirs), conflict.their_comment));
    var actions = document.createElement("p");
    actions.appendChild(button(msg("keep-mine"), function () { clearConflict(name); save(name, conflict.their_version); }));
    actions.appendChild(document.createTextNode(" "));
    actions.appendChild(button(msg("use-theirs"), function () {
      setValue(q, conflict.theirs);
      if (field(name, "c-")) { field(name, "c-").value = conflict.their_comment || ""; }
      setStored(name, conflict.theirs, conflict.their_comment || "", conflict.their_version);
      forget(name);
      clearConflict(name);
      say(name, "");
      apply();
    }));
    box.appendChild(intro);
    box.appendChild(grid);
    box.appendChild(actions);
    document.getElementById("status-" + name).insertAdjacentElement("afterend", box);
  }
  // Saves go out one at a time, in order: a second change of the same answer waits for the first
  // save's new version instead of conflicting with itself. A failed request (no connection, a
  // server error) is retried with a growing delay and again when the browser comes back online.
  var queue = [];
  var busy = false;
  var retryDelay = {};
  function save(name, expected) {
    var q = byName[name];
    if (!answerable(q)) { return; }
    for (var i = 0; i < queue.length; i++) {
      if (queue[i].name === name) { queue[i].expected = expected; return; }
    }
    queue.push({ name: name, expected: expected });
    say(name, msg("saving"));
    next();
  }
  function next() {
    if (busy || !queue.length) { return; }
    var item = queue.shift();
    busy = true;
    send(item.name, item.expected, function () { busy = false; next(); });
  }
  function retryLater(name, base) {
    waiting[name] = base;
    var delay = Math.min((retryDelay[name] || 1000) * 2, 60000);
    retryDelay[name] = delay;
    window.setTimeout(function () { if (waiting[name] !== undefined) { save(name, waiting[name]); } }, delay);
  }
  function send(name, expected, done) {
    var q = byName[name];
    var value = readValue(q);
    var comment = readComment(name);
    var all = current();
    if (!R.constraintOk(q, all, value)) {
      say(name, msg("not-saved") + " " + q.constraint_message, true);
      done();
      return;
    }
    var base = expected !== undefined ? expected : (parseInt(field(name, "v-").value, 10) || 0);
    keep(name, value, comment, base);
    say(name, msg("saving"));
    fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({
        question: name,
        value: q.type === "select_multiple" ? value.split(" ").filter(Boolean) : value,
        comment: comment,
        expected_version: base
      })
    }).then(function (response) {
      if (response.status >= 500) { throw new Error("server " + response.status); }
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      var body = result.body;
      delete retryDelay[name];
      if (result.status === 200) {
        setStored(name, body.value, body.comment, body.version);
        forget(name);
        clearConflict(name);
        say(name, msg("saved"));
        progress(body.progress);
        apply();
      } else if (result.status === 409 && body.conflict) {
        say(name, msg("not-saved") + " " + msg("conflict"), true);
        showConflict(name, body.conflict, comment);
      } else {
        // Refused (for example a violated rule): what was typed stays in the field to correct.
        delete waiting[name];
        say(name, msg("not-saved") + " " + (body.error || ""), true);
      }
      done();
    }).catch(function () {
      say(name, msg("not-saved") + " " + msg("offline"), true);
      retryLater(name, base);
      done();
    });
  }

  // --- events -------------------------------------------------------------------------------
  function nameOf(target) {
    var n = target && target.name ? target.name : "";
    var m = /^[qc]-(.+)$/.exec(n);
    return m && byName[m[1]] ? m[1] : null;
  }
  form.addEventListener("input", function (event) {
    var name = nameOf(event.target);
    if (!name) { return; }
    keep(name, readValue(byName[name]), readComment(name), parseInt(field(name, "v-").value, 10) || 0);
    apply();
  });
  form.addEventListener("change", function (event) {
    var name = nameOf(event.target);
    if (name) { apply(); save(name); }
  });
  window.addEventListener("online", function () {
    Object.keys(waiting).forEach(function (name) { save(name, waiting[name]); });
  });

  // What this browser kept from last time and the server does not have.
  questions.forEach(function (q) {
    if (!answerable(q) || !field(q.name, "v-")) { return; }
    var entry = kept(q.name);
    if (!entry) { return; }
    if (entry.value === readValue(q) && entry.comment === readComment(q.name)) { forget(q.name); return; }
    var node = document.getElementById("status-" + q.name);
    var offer = document.createElement("div");
    offer.className = "fill-restore";
    var p = document.createElement("p");
    p.textContent = msg("restore") + " " + display(q, entry.value) + (entry.comment ? " — " + entry.comment : "");
    offer.appendChild(p);
    offer.appendChild(button(msg("restore-button"), function () {
      setValue(q, entry.value);
      if (field(q.name, "c-")) { field(q.name, "c-").value = entry.comment || ""; }
      offer.parentNode.removeChild(offer);
      apply();
      save(q.name, entry.base);
    }));
    offer.appendChild(document.createTextNode(" "));
    offer.appendChild(button(msg("discard"), function () { forget(q.name); offer.parentNode.removeChild(offer); }));
    node.insertAdjacentElement("afterend", offer);
  });
  document.documentElement.classList.add("fill-live");
  apply();
})();
