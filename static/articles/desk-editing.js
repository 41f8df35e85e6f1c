/* The story editor's session (articles/desk/editing.py): autosave and restore, and the
   "being edited by" lock kept by a heartbeat. Without this script the form works as Django's,
   and the server still refuses a save over a newer version. Tests and the console reach the
   functions through window.deskEditing. */
(function () {
  "use strict";

  const config = document.getElementById("desk-editing");
  const form = document.getElementById("article_form");
  if (!config || !form) {
    return;
  }
  const settings = config.dataset;
  const tr = (text) => (typeof window.gettext === "function" ? window.gettext(text) : text);
  const fill = (text, values) =>
    typeof window.interpolate === "function" ? window.interpolate(text, values) : text;
  // Not form content: the CSRF token, the conflict controls and buttons, inline templates.
  const SKIPPED = /^(csrfmiddlewaretoken$|_)|__prefix__/;
  const MANAGEMENT = /-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/;
  const NOT_VALUES = ["file", "submit", "button", "reset", "image"];

  function token() {
    return form.querySelector("input[name=csrfmiddlewaretoken]").value;
  }

  function versionInput() {
    return form.querySelector("input[name=_version]");
  }

  /* The version the form's content is written against: after a conflict, the one first
     opened (_base_version); else the one the form was drawn from. */
  function writtenOn() {
    const base = form.querySelector("input[name=_base_version]");
    const version = versionInput();
    return (base && base.value) || (version ? version.value : null);
  }

  function status(text) {
    const line = document.getElementById("desk-autosave-status");
    if (line) {
      line.textContent = text;
    }
  }

  function post(url, body, headers) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: Object.assign({ "X-CSRFToken": token(), Accept: "application/json" }, headers),
      body: body,
    });
  }

  /* The form as it would be sent: [[name, value, label]], label being a chosen option's text
     (an autocomplete only holds the options chosen, so a restore must add them back). */
  function fields() {
    const found = [];
    for (const element of form.elements) {
      const type = (element.type || "").toLowerCase();
      if (!element.name || element.disabled || SKIPPED.test(element.name)) {
        continue;
      }
      if (NOT_VALUES.includes(type)) {
        continue;
      }
      if ((type === "checkbox" || type === "radio") && !element.checked) {
        continue;
      }
      if (element.tagName === "SELECT") {
        for (const option of element.selectedOptions) {
          found.push([element.name, option.value, option.text]);
        }
        continue;
      }
      found.push([element.name, element.value, ""]);
    }
    return found;
  }

  function payload() {
    return { fields: fields(), version: writtenOn() };
  }

  let lastSaved = JSON.stringify(fields());
  let submitting = false;

  /* Send the form's content if it changed since the last autosave; resolves to true if sent. */
  async function autosave() {
    const data = payload();
    const text = JSON.stringify(data.fields);
    if (submitting || text === lastSaved) {
      return false;
    }
    let response;
    try {
      response = await post(settings.autosaveUrl, JSON.stringify(data), {
        "Content-Type": "application/json",
      });
    } catch (error) {
      response = null;
    }
    if (!response || !response.ok) {
      status(tr("Your changes could not be autosaved. Keep this page open and save soon."));
      return false;
    }
    const answer = await response.json();
    lastSaved = text;
    status(fill(tr("Changes autosaved at %s (not saved to the story yet)."), [answer.saved_at]));
    return true;
  }

  /* Inline rows the autosave has and the page lacks: Django's "Add another" makes them. */
  function addRows(saved) {
    for (const [name, value] of saved) {
      const match = /^(.*)-TOTAL_FORMS$/.exec(name);
      if (!match) {
        continue;
      }
      const total = form.querySelector(`input[name="${CSS.escape(name)}"]`);
      const add = document.querySelector(`#${CSS.escape(match[1])}-group .add-row a`);
      while (total && add && Number(total.value) < Number(value)) {
        const before = total.value;
        add.click();
        if (total.value === before) {
          break;
        }
      }
    }
  }

  function announce(element) {
    if (window.django && window.django.jQuery) {
      window.django.jQuery(element).trigger("change");
    } else {
      element.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function setRichText(textarea, html) {
    // Tiptap keeps its editor on the editable element (other .ProseMirror nodes may sit beside).
    const wrapper = textarea.closest(".prose-editor");
    const views = wrapper ? [...wrapper.querySelectorAll(".ProseMirror")] : [];
    const view = views.find((element) => element.editor);
    if (view) {
      view.editor.commands.setContent(html, { emitUpdate: true });
    }
  }

  function restoreFields(saved) {
    addRows(saved);
    const byName = new Map();
    for (const [name, value, label] of saved) {
      if (!byName.has(name)) {
        byName.set(name, []);
      }
      byName.get(name).push([value, label]);
    }
    for (const element of form.elements) {
      const type = (element.type || "").toLowerCase();
      if (!element.name || element.disabled || SKIPPED.test(element.name)) {
        continue;
      }
      if (NOT_VALUES.includes(type) || MANAGEMENT.test(element.name)) {
        continue;
      }
      const entries = byName.get(element.name) || [];
      const values = entries.map((entry) => entry[0]);
      if (type === "checkbox" || type === "radio") {
        element.checked = values.includes(element.value);
      } else if (element.tagName === "SELECT") {
        for (const [value, label] of entries) {
          if (![...element.options].some((option) => option.value === value)) {
            element.add(new Option(label || value, value));
          }
        }
        for (const option of element.options) {
          option.selected = values.includes(option.value);
        }
        announce(element);
      } else if (byName.has(element.name)) {
        element.value = values[0];
        if (element.tagName === "TEXTAREA") {
          setRichText(element, values[0]);
        }
      }
    }
  }

  function hide(element) {
    if (element) {
      element.hidden = true;
    }
  }

  /* Fill the form with the autosave; the form then claims the version it was made on, so
     saving shows what changed meanwhile instead of writing over it. */
  async function restore() {
    const response = await fetch(settings.autosaveUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) {
      status(tr("The autosaved changes could not be loaded."));
      return false;
    }
    const saved = await response.json();
    restoreFields(saved.fields);
    // No version known: an empty one makes the next save show the comparison, never write over.
    const version = versionInput();
    if (version) {
      version.value = saved.version === null ? "" : saved.version;
    }
    hide(document.getElementById("desk-autosave-offer"));
    status(tr("Your autosaved changes are back in the form: check them, then save."));
    return true;
  }

  function showPresence(answer) {
    const banner = document.getElementById("desk-presence");
    if (!banner) {
      return;
    }
    banner.hidden = answer.mine;
    const text = banner.querySelector(".desk-presence-text");
    if (text) {
      text.textContent = answer.message;
    }
  }

  async function heartbeat() {
    if (!settings.heartbeatUrl || submitting) {
      return null;
    }
    let response;
    try {
      response = await post(settings.heartbeatUrl, null, {});
    } catch (error) {
      return null;
    }
    if (!response.ok) {
      return null;
    }
    const answer = await response.json();
    showPresence(answer);
    return answer;
  }

  const offer = document.getElementById("desk-autosave-offer");
  if (offer) {
    offer.hidden = false;
    offer.querySelector("[data-desk-restore]").addEventListener("click", restore);
    offer.querySelector("form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const response = await post(event.target.action, null, {});
      if (response.ok) {
        hide(offer);
        status(tr("The autosaved changes are discarded."));
      }
    });
  }

  const takeOver = document.querySelector(".desk-take-over");
  if (takeOver) {
    takeOver.addEventListener("submit", async (event) => {
      event.preventDefault();
      const response = await post(takeOver.action, null, {});
      if (response.ok) {
        showPresence(await response.json());
      }
    });
  }

  form.addEventListener("submit", (event) => {
    // The Preview button posts the form elsewhere, in a new tab: the editing goes on.
    if (event.submitter && event.submitter.hasAttribute("formaction")) {
      return;
    }
    submitting = true;
  });

  window.addEventListener("pagehide", () => {
    if (submitting) {
      return;
    }
    const data = payload();
    if (JSON.stringify(data.fields) !== lastSaved) {
      const body = new FormData();
      body.append("csrfmiddlewaretoken", token());
      body.append("payload", JSON.stringify(data));
      navigator.sendBeacon(settings.autosaveUrl, body);
    }
    if (settings.releaseUrl) {
      const body = new FormData();
      body.append("csrfmiddlewaretoken", token());
      navigator.sendBeacon(settings.releaseUrl, body);
    }
  });

  window.setInterval(autosave, Number(settings.autosaveSeconds || 30) * 1000);
  if (settings.heartbeatUrl) {
    window.setInterval(heartbeat, Number(settings.heartbeatSeconds || 60) * 1000);
  }

  window.deskEditing = { autosave, restore, heartbeat, fields };
})();
