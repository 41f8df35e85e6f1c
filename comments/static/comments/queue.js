// Keyboard moderation queue: j/k move, a/r/s approve/reject/spam the current comment at once
// and move to the next. Without JavaScript the buttons post the same form.
(function () {
  "use strict";
  const list = document.getElementById("queue");
  if (!list) return;
  const message = document.getElementById("queue-message");
  const waiting = document.getElementById("queue-waiting");
  const keys = { a: "approve", r: "reject", s: "spam" };
  let current = list.querySelector(".queue-item");
  let sending = Promise.resolve();

  function items() {
    return Array.from(list.querySelectorAll(".queue-item:not(.is-done)"));
  }

  function select(item) {
    if (current) current.classList.remove("is-current");
    current = item || null;
    if (current) {
      current.classList.add("is-current");
      current.focus({ preventScroll: true });
      current.scrollIntoView({ block: "nearest" });
    } else {
      message.textContent = message.dataset.cleared;
    }
  }

  function move(step) {
    const all = items();
    const next = all[all.indexOf(current) + step];
    if (next) select(next);
  }

  function act(item, action) {
    const form = item.querySelector("form");
    const data = new FormData(form);
    data.set("action", action);
    const all = items();
    const index = all.indexOf(item);
    item.classList.add("is-done");
    item.hidden = true;
    select(all[index + 1] || all[index - 1]);
    // One request at a time, in the order of the keys; the selection has already moved on.
    // Not form.action: the buttons named "action" shadow that property.
    sending = sending
      .catch(function () {})
      .then(function () {
        return fetch(form.getAttribute("action"), {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "X-Requested-With": "XMLHttpRequest", Accept: "application/json" },
        });
      })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (result) {
        item.remove();
        waiting.textContent = result.remaining;
      })
      .catch(function () {
        item.hidden = false;
        item.classList.remove("is-done");
        item.classList.add("is-failed");
        message.textContent = message.dataset.failed;
      });
  }

  list.addEventListener("click", function (event) {
    const item = event.target.closest(".queue-item");
    if (item && !event.target.closest("button, a")) select(item);
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "j") move(1);
    else if (event.key === "k") move(-1);
    else if (keys[event.key] && current) act(current, keys[event.key]);
    else return;
    event.preventDefault();
  });

  if (current) select(current);
})();
