// Goal tree: filtering the tag pickers, and reordering items by drag and drop or with Alt+Arrow keys.
// Progressive enhancement: without this file the pickers are plain checkboxes and the "Move up" /
// "Move down" buttons reorder. The server renders the numbered tree again after every move
// (plans/goal_tree_list.html), so numbers are never computed here.
(function () {
  "use strict";

  function format(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
    });
  }

  // --- tag pickers ------------------------------------------------------------------------------

  function filterPicker(input) {
    var picker = document.getElementById(input.getAttribute("data-picker"));
    if (!picker) { return; }
    var query = input.value.trim().toLowerCase();
    var found = 0;
    picker.querySelectorAll(".tag-group").forEach(function (group) {
      var groupFound = 0;
      var heading = (group.querySelector("summary") || group).textContent.toLowerCase();
      var headingMatches = query !== "" && heading.indexOf(query) !== -1;
      group.querySelectorAll(".tag-options li").forEach(function (option) {
        var matches = query === "" || headingMatches || option.textContent.toLowerCase().indexOf(query) !== -1;
        option.hidden = !matches;
        if (matches) { groupFound += 1; }
      });
      group.hidden = groupFound === 0;
      if (query !== "" && groupFound > 0) { group.open = true; }
      found += groupFound;
    });
    var status = input.parentElement.querySelector(".tag-filter-status");
    if (status) {
      status.textContent = query === "" ? "" : format(input.getAttribute("data-status"), { count: found });
    }
  }

  function countChosen(picker) {
    var counter = picker.querySelector(".tag-picker-count");
    if (!counter) { return; }
    var chosen = picker.querySelectorAll("input[type=checkbox]:checked").length;
    counter.textContent = format(counter.getAttribute("data-template"), { count: chosen });
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.classList.contains("tag-filter-input")) {
      filterPicker(target);
    }
  });
  document.addEventListener("keydown", function (event) {
    // Enter in the filter box must not submit the whole form.
    var target = event.target;
    if (event.key === "Enter" && target instanceof HTMLInputElement && target.classList.contains("tag-filter-input")) {
      event.preventDefault();
    }
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.type === "checkbox") {
      var picker = target.closest(".tag-picker");
      if (picker) { countChosen(picker); }
    }
  });

  // --- reordering the tree ----------------------------------------------------------------------

  var tree = document.getElementById("goal-tree");
  var live = document.getElementById("goal-live");
  if (!tree) { return; }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) { return input.value; }
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function announce(text) {
    if (!live) { return; }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function request(url, options) {
    options.headers = { "X-Goal-Tree": "partial", "X-CSRFToken": csrfToken() };
    options.credentials = "same-origin";
    tree.classList.add("is-busy");
    tree.setAttribute("aria-busy", "true");
    return fetch(url, options).then(function (response) {
      return response.text().then(function (text) {
        tree.classList.remove("is-busy");
        tree.removeAttribute("aria-busy");
        var isText = (response.headers.get("Content-Type") || "").indexOf("text/plain") === 0;
        return { ok: response.ok, text: text, message: isText ? text : "" };
      });
    }, function () {
      tree.classList.remove("is-busy");
      tree.removeAttribute("aria-busy");
      return { ok: false, text: "", message: "" };
    });
  }

  function reloadTree() {
    return request(tree.getAttribute("data-tree-url"), { method: "GET" }).then(function (result) {
      if (result.ok) { tree.innerHTML = result.text; }
    });
  }

  function afterMove(result, nodeId) {
    if (!result.ok) {
      announce(result.message || tree.getAttribute("data-msg-error"));
      return reloadTree();
    }
    tree.innerHTML = result.text;
    var node = document.getElementById("goal-" + nodeId);
    if (!node) { return null; }
    var handle = node.querySelector(".goal-handle");
    if (handle) { handle.focus(); }
    var siblings = Array.prototype.filter.call(node.parentElement.children, function (child) {
      return child.classList.contains("goal-node");
    });
    var values = { position: siblings.indexOf(node) + 1, total: siblings.length, code: node.getAttribute("data-code") };
    var text = format(tree.getAttribute("data-msg-position"), values);
    if (values.code) { text += " " + format(tree.getAttribute("data-msg-code"), values); }
    announce(text);
    return null;
  }

  function move(handle, direction) {
    var node = handle.closest(".goal-node");
    var body = new FormData();
    body.append("direction", direction);
    request(handle.getAttribute("data-move-url"), { method: "POST", body: body }).then(function (result) {
      return afterMove(result, node.getAttribute("data-node-id"));
    });
  }

  function reorder(list, nodeId) {
    var body = new FormData();
    body.append("version", tree.getAttribute("data-version"));
    body.append("parent", list.getAttribute("data-parent") || "");
    Array.prototype.forEach.call(list.children, function (child) {
      if (child.classList.contains("goal-node")) { body.append("order", child.getAttribute("data-node-id")); }
    });
    request(tree.getAttribute("data-reorder-url"), { method: "POST", body: body }).then(function (result) {
      return afterMove(result, nodeId);
    });
  }

  tree.addEventListener("keydown", function (event) {
    var handle = event.target;
    if (!(handle instanceof HTMLElement) || !handle.classList.contains("goal-handle")) { return; }
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      var node = handle.closest(".goal-node");
      var up = event.key === "ArrowUp";
      var neighbour = up ? node.previousElementSibling : node.nextElementSibling;
      if (!neighbour) {
        announce(tree.getAttribute(up ? "data-msg-first" : "data-msg-last"));
        return;
      }
      move(handle, up ? "up" : "down");
    }
  });

  // Drag and drop: the handle makes its item draggable while the pointer is down on it, so text can
  // still be selected everywhere else; items only drop among their own siblings.
  var dragged = null;

  tree.addEventListener("pointerdown", function (event) {
    var handle = event.target instanceof Element ? event.target.closest(".goal-handle") : null;
    if (handle) { handle.closest(".goal-node").setAttribute("draggable", "true"); }
  });
  tree.addEventListener("pointerup", function () {
    tree.querySelectorAll(".goal-node[draggable]").forEach(function (node) {
      if (node !== dragged) { node.removeAttribute("draggable"); }
    });
  });

  function clearMarks() {
    tree.querySelectorAll(".drop-before, .drop-after").forEach(function (node) {
      node.classList.remove("drop-before", "drop-after");
    });
  }

  function siblingTarget(element) {
    var node = element instanceof Element ? element.closest(".goal-node") : null;
    while (node && dragged && node.parentElement !== dragged.parentElement) {
      node = node.parentElement ? node.parentElement.closest(".goal-node") : null;
    }
    return node && node !== dragged ? node : null;
  }

  tree.addEventListener("dragstart", function (event) {
    var node = event.target instanceof Element ? event.target.closest(".goal-node") : null;
    if (!node || !node.hasAttribute("draggable")) { return; }
    event.stopPropagation();
    dragged = node;
    node.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", node.getAttribute("data-node-id"));
    var item = node.querySelector(".goal-item");
    if (item && event.dataTransfer.setDragImage) { event.dataTransfer.setDragImage(item, 16, 16); }
  });
  tree.addEventListener("dragover", function (event) {
    var target = siblingTarget(event.target);
    if (!dragged || !target) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    var box = target.querySelector(".goal-item").getBoundingClientRect();
    var before = event.clientY < box.top + box.height / 2;
    clearMarks();
    target.classList.add(before ? "drop-before" : "drop-after");
  });
  tree.addEventListener("drop", function (event) {
    var target = siblingTarget(event.target);
    if (!dragged || !target) { return; }
    event.preventDefault();
    var before = target.classList.contains("drop-before");
    clearMarks();
    var list = dragged.parentElement;
    list.insertBefore(dragged, before ? target : target.nextElementSibling);
    var nodeId = dragged.getAttribute("data-node-id");
    reorder(list, nodeId);
  });
  tree.addEventListener("dragend", function () {
    clearMarks();
    if (dragged) {
      dragged.classList.remove("is-dragging");
      dragged.removeAttribute("draggable");
    }
    dragged = null;
  });
})();
