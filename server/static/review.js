// Claimtrail review keys and text selections. Plain JavaScript; htmx does the requests.
// Keys press the buttons that are on the page, so the keyboard and the mouse do the same thing.
(function () {
  "use strict";

  // A decision in flight: keys that decide wait (queued) until its answer has settled, so a
  // quick "a a" decides two candidates in turn, never one twice with a stale version, and no
  // key presses a button htmx has not taken over yet (htmx wires new content when it settles).
  var busy = false;
  var writing = 0;
  var pending = [];

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  // --- the current candidate ---------------------------------------------------------

  function items() { return $all("#items > li.item"); }
  function current() { return $("#items > li.current"); }

  function setCurrent(li, scrollText) {
    if (!li) return;
    items().forEach(function (other) { other.classList.remove("current"); other.removeAttribute("aria-current"); });
    li.classList.add("current");
    li.setAttribute("aria-current", "true");
    li.focus({ preventScroll: true });
    li.scrollIntoView({ block: "nearest" });
    markText(Number(li.dataset.start), Number(li.dataset.end), scrollText !== false);
    var slot = $(".links-slot", li); // a claim's related claims load when it becomes current (hx-trigger)
    if (slot) slot.dispatchEvent(new CustomEvent("ct-current"));
  }

  function markText(start, end, scroll) {
    var first = null;
    $all("#doc-text .cur").forEach(function (leaf) { leaf.classList.remove("cur"); });
    $all("#doc-text > [data-s]").forEach(function (leaf) {
      var s = Number(leaf.dataset.s);
      if (s >= start && s < end) {
        leaf.classList.add("cur");
        first = first || leaf;
      }
    });
    if (first && scroll) {
      var box = first.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) first.scrollIntoView({ block: "center" });
    }
  }

  function move(step) {
    var list = items();
    var at = list.indexOf(current());
    var next = list[Math.min(list.length - 1, Math.max(0, at + step))];
    setCurrent(next);
  }

  function press(key) {
    var li = current();
    var button = li && $('[data-key="' + key + '"]', li);
    if (button) button.click();
  }

  // --- several at once: the ticked candidates, or with none ticked every candidate listed --------

  function decideMany(key) {
    var boxes = $all("#items input.pick");
    if (!boxes.length) { toast("No candidates listed here to decide."); return; }
    if (!boxes.some(function (box) { return box.checked; })) boxes.forEach(function (box) { box.checked = true; });
    var button = $('#bulk [data-key="' + key + '"]');
    if (button) button.click();
  }

  // --- the queue: j/k move between documents, Enter opens one ------------------------------

  function queueKey(event) {
    var links = $all("#queue-results tbody td.doc a");
    if (!links.length || "jk".indexOf(event.key) < 0) return false;
    event.preventDefault();
    var at = links.indexOf(document.activeElement);
    var next = links[Math.min(links.length - 1, Math.max(0, at + (event.key === "j" ? 1 : -1)))];
    next.focus();
    return true;
  }

  // --- related claims: the links panel on a claim page, or in the current claim of the document view ---

  function linksPanel() {
    var li = current();
    return li ? $(".links", li) : $("section.links");
  }
  function suggestionList(panel) { return panel ? $all("li.suggestion", panel) : []; }
  function highlighted(panel) { return panel && ($("li.suggestion.current", panel) || suggestionList(panel)[0]); }

  function highlight(li) {
    if (!li) return;
    suggestionList(li.closest(".links")).forEach(function (other) { other.classList.remove("current", "choosing"); });
    li.classList.add("current");
    li.focus({ preventScroll: true });
    li.scrollIntoView({ block: "nearest" });
  }

  function moveSuggestion(step) {
    var from = highlighted(linksPanel());
    if (!from) return;
    var list = $all(":scope > li.suggestion", from.parentElement); // within its list: the search hits or the suggestions
    var at = list.indexOf(from);
    highlight(list[Math.min(list.length - 1, Math.max(0, at + step))]);
  }

  // --- searching any report's claims from the links panel: / focuses, arrows choose, l 1–4 links ---

  function focusSearch() {
    var box = $(".claim-search input[name=q]", linksPanel() || document);
    if (!box) return false;
    box.focus();
    box.select();
    return true;
  }

  // Arrows from the search box go down into its results; inside the panel they move the highlight.
  function arrowKey(event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return false;
    var panel = event.target.closest && event.target.closest("section.links");
    if (!panel) return false;
    if (event.target.matches("input[name=q]")) {
      var hit = $(".search-results li.suggestion.current", panel) || $(".search-results li.suggestion", panel);
      if (!hit || event.key !== "ArrowDown") return false;
      event.preventDefault();
      highlight(hit);
      return true;
    }
    if (typing(event.target)) return false;
    event.preventDefault();
    moveSuggestion(event.key === "ArrowDown" ? 1 : -1);
    return true;
  }

  function joinThread() {
    var button = $('[data-link-key="t"]', linksPanel() || document);
    if (button) button.click();
    else toast("No linked claim's thread to join here.");
  }

  function startLink() {
    var li = highlighted(linksPanel());
    if (!li) { toast("No suggestion to link here."); return; }
    highlight(li);
    li.classList.add("choosing");
    var radio = $('input[name="relation"]:checked', li) || $('input[name="relation"]', li);
    if (radio) radio.focus(); // arrows change it, Tab reaches the rationale, Enter links
    toast("Relation: 1 same event · 2 supports · 3 contradicts · 4 updates (Esc cancels)");
  }

  function dismissSuggestion() {
    var li = highlighted(linksPanel());
    var button = li && $('[data-link-key="d"]', li);
    if (button) button.click();
  }

  // While choosing a relation (after l): 1–4 pick it and link, Esc cancels. True when the key was ours.
  function relationKey(event) {
    var li = $("li.suggestion.choosing");
    if (!li) return false;
    if (event.key === "Escape") { event.preventDefault(); li.classList.remove("choosing"); li.focus(); return true; }
    if (event.target.matches && event.target.matches('input:not([type="radio"]), textarea, select')) return false;
    var radios = $all('input[name="relation"]', li);
    var n = Number(event.key);
    if (!(n >= 1 && n <= radios.length)) return false;
    event.preventDefault();
    if (busy) return true;
    radios[n - 1].checked = true;
    $('[data-link-key="l"]', li).click();
    return true;
  }

  // l, d (and j/k on a claim page, where they have no candidates to move through). True when the key was ours.
  function suggestionKey(event) {
    var keys = { l: startLink, d: dismissSuggestion, t: joinThread, "/": focusSearch };
    if (!$("#workbench")) { keys.j = function () { moveSuggestion(1); }; keys.k = function () { moveSuggestion(-1); }; }
    var action = keys[event.key];
    if (!action || !linksPanel()) return false;
    event.preventDefault();
    if (!busy || "jk/".indexOf(event.key) >= 0) action();
    return true;
  }

  // --- selections → offsets (the server counts code points; JavaScript counts UTF-16 units) ---

  function codePoints(text) { return Array.from(text).length; }

  function pointOffset(container, node, offset) {
    if (node === container) {
      var kids = container.children;
      return offset >= kids.length ? Number(container.dataset.len) : Number(kids[offset].dataset.s);
    }
    var element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    var leaf = element && element.closest("[data-s]");
    if (!leaf || !container.contains(leaf)) return null;
    var start = Number(leaf.dataset.s);
    if (node.nodeType === Node.TEXT_NODE) return start + codePoints(node.data.slice(0, offset));
    return offset === 0 ? start : start + codePoints(leaf.textContent);
  }

  function selectionOffsets() {
    var text = $("#doc-text");
    var selection = window.getSelection();
    if (!text || !selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    var range = selection.getRangeAt(0);
    var start = pointOffset(text, range.startContainer, range.startOffset);
    var end = pointOffset(text, range.endContainer, range.endOffset);
    if (start === null || end === null || start >= end) return null;
    return { start: start, end: end, text: selection.toString() };
  }

  function fromSelection(key) {
    var span = selectionOffsets();
    var form = $("form.add");
    if (!form) return;
    if (!span) { toast("Select some text in the report first."); return; }
    form.elements.start.value = span.start;
    form.elements.end.value = span.end;
    var hint = $("#selection-hint");
    if (hint) hint.textContent = "Selected " + span.start + "–" + span.end + ": “" + span.text.slice(0, 80) + "”";
    if (key === "c") {
      $('[data-key="c"]', form).click();
    } else {
      if (hint) hint.textContent += " — pick a label, then Enter.";
      form.elements.label.focus();
    }
  }

  // --- messages --------------------------------------------------------------------------

  var toastTimer = null;
  function toast(text) {
    var box = $("#toast");
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { box.hidden = true; }, 5000);
  }

  function showKeys() {
    var dialog = $("#keys-dialog");
    if (dialog && !dialog.open) dialog.showModal();
  }

  // --- events ----------------------------------------------------------------------------

  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var editing = event.target.closest && event.target.closest("form.edit");
    if (event.key === "Escape" && editing) {
      var cancel = $("[data-cancel]", editing);
      if (cancel) { event.preventDefault(); cancel.click(); }
      return;
    }
    if (event.key === "Enter" && event.target.matches && event.target.matches("form.add select")) {
      event.preventDefault();
      $('[data-key="n"]', event.target.form).click();
      return;
    }
    if (relationKey(event)) return;
    if (arrowKey(event)) return;
    if (typing(event.target) || $("dialog[open]")) return;
    if (event.key === "?") { event.preventDefault(); showKeys(); return; }
    if (suggestionKey(event)) return;
    if (queueKey(event)) return;
    if (!$("#workbench")) return;
    var actions = {
      j: function () { move(1); },
      k: function () { move(-1); },
      a: function () { press("a"); },
      x: function () { press("x"); },
      e: function () { press("e"); },
      c: function () { fromSelection("c"); },
      n: function () { fromSelection("n"); },
      u: function () { var undo = $('#panel [data-key="u"]'); if (undo && !undo.disabled) undo.click(); },
      A: function () { decideMany("A"); },
      X: function () { decideMany("X"); },
      " ": function () { var box = current() && $("input.pick", current()); if (box) box.checked = !box.checked; },
      Enter: function () { var next = $("#next-document"); if (next) next.click(); }
    };
    if (!actions[event.key]) return;
    if ((event.key === " " || event.key === "Enter") && event.target.closest && event.target.closest("a, button, summary")) return;
    event.preventDefault();
    if (busy && "axecnuAX".indexOf(event.key) >= 0) {
      if (pending.length < 3) pending.push(actions[event.key]);
      return;
    }
    actions[event.key]();
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest('[data-key="?"]')) { showKeys(); return; }
    var leaf = target.closest("#doc-text [data-ref]");
    var selection = window.getSelection();
    if (leaf && (!selection || selection.isCollapsed)) {
      var li = document.getElementById("item-" + leaf.dataset.ref);
      if (li) setCurrent(li, false);
    }
    var suggestion = target.closest("li.suggestion");
    if (suggestion && !target.closest("button, a, input, select, label")) highlight(suggestion);
    var li2 = target.closest("#items > li.item");
    if (li2 && !target.closest("button, a, input, select")) setCurrent(li2, true);
  });

  function isWrite(detail) { return detail && detail.requestConfig && detail.requestConfig.verb !== "get"; }

  function settled(detail) {
    if (!isWrite(detail) || detail.requestConfig.ctSettled) return;
    detail.requestConfig.ctSettled = true; // one answer settles several elements (workbench, counter)
    if (detail.xhr && detail.xhr.status !== 200) pending = []; // a conflict or refusal: let the reviewer read it first
    writing = Math.max(0, writing - 1);
    busy = writing > 0;
    movedOn(); // before a queued key acts: it acts on the next candidate
    if (!busy && pending.length) pending.shift()();
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (isWrite(event.detail)) { writing += 1; busy = true; }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful) { pending = []; settled(event.detail); } // refused or unreachable: nothing will settle
  });
  document.addEventListener("htmx:afterSettle", function (event) { settled(event.detail); });

  // After one accept or reject only that item comes back: mark its text as decided and move on to the
  // next undecided candidate, as the server does when it sends the whole workbench (views.next_after).
  function movedOn() {
    var li = $("#items > li[data-decided]");
    if (!li) return false;
    li.removeAttribute("data-decided");
    var kind = li.dataset.ref.charAt(0);
    var status = (li.className.match(/\bs-(\w+)/) || [])[1];
    var start = Number(li.dataset.start), end = Number(li.dataset.end);
    $all("#doc-text > [data-s]").forEach(function (leaf) {
      var at = Number(leaf.dataset.s);
      if (at >= start && at < end && leaf.classList.contains(kind + "-candidate")) {
        leaf.classList.replace(kind + "-candidate", kind + "-" + status);
      }
    });
    var list = items();
    var at = list.indexOf(li);
    var rest = list.slice(at + 1).concat(list.slice(0, at + 1));
    setCurrent(rest.filter(function (other) { return other.classList.contains("s-candidate"); })[0] || li, true);
    return true;
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    if (movedOn()) return;
    var editing = $("form.edit");
    if (editing && event.target.contains(editing)) {
      var field = editing.elements.claimant || editing.elements.label || editing.elements.start;
      field.focus();
      return;
    }
    var inLinks = event.target.closest(".links-slot"); // a claim's related claims loading: leave focus where it is
    if (!inLinks && (event.target.id === "workbench" || event.target.closest("#workbench"))) setCurrent(current(), true);
    var alert = $("#conflict [data-reapply]");
    if (alert) alert.focus();
  });

  // Search results arrived: the first is the one l links; the keyboard stays in the search box until ↓.
  // On the swap itself, not the settle 20 ms later: a quick ↓ l in between would be wiped out.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!(event.target.matches && event.target.matches(".search-results"))) return;
    var first = $("li.suggestion", event.target);
    if (first) {
      suggestionList(event.target.closest(".links")).forEach(function (li) { li.classList.remove("current", "choosing"); });
      first.classList.add("current");
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.matches && event.target.matches(".search-results")) return;
    // after linking, dismissing or removing: keep the keyboard in the panel that was swapped
    var panel = event.target.closest && event.target.closest("section.links");
    var next = panel && (highlighted(panel) || $("a, button", panel));
    if (next) next.focus({ preventScroll: true });
  });

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var detail = "";
    try { detail = JSON.parse(xhr.responseText).detail; } catch (e) { detail = xhr.statusText; }
    toast("Not done (" + xhr.status + "): " + (typeof detail === "string" ? detail : JSON.stringify(detail)));
  });

  // A refusal htmx swaps (409, 422: htmx-config) into a form that swaps nothing (the upload form,
  // hx-swap="none") would say nothing: say why in the toast instead.
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr, elt = event.detail.elt;
    if (!xhr || (xhr.status !== 409 && xhr.status !== 422) || !elt || elt.getAttribute("hx-swap") !== "none") return;
    var detail = "";
    try { detail = JSON.parse(xhr.responseText).detail; } catch (e) { detail = xhr.statusText; }
    toast("Not done (" + xhr.status + "): " + (typeof detail === "string" ? detail : JSON.stringify(detail)));
  });

  document.addEventListener("htmx:sendError", function () { toast("The server could not be reached; nothing was recorded."); });

  document.addEventListener("DOMContentLoaded", function () {
    if (current()) setCurrent(current(), true);
    var first = $("#queue-results tbody td.doc a"); // Enter opens the first document, j/k choose another
    if (first && !typing(document.activeElement)) first.focus({ preventScroll: true });
  });
})();
