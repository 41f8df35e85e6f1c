/* Tag suggestions on the story form: typing in the tags field offers existing tags that start
   with the name being typed (the part after the last comma), the most used first, so a tag is
   picked rather than misspelt into a duplicate. Arrow keys and Enter, or the mouse, pick one;
   Escape closes the list. The field stays taggit's comma-separated text: without JavaScript
   it works as before. The names come from a staff-only JSON endpoint
   (articles.desk.tag_admin.TagAdmin.suggestions_view) named by the input's
   data-tag-suggestions attribute. Only tags of the story's language are offered: the
   language chosen in the field named by data-tag-language-field when the form has it, else
   the story's own (data-tag-language). */
(function () {
  "use strict";

  var DELAY_MS = 120;

  /* Index of the last comma outside double quotes, or -1. */
  function lastSeparator(value) {
    var quoted = false;
    var found = -1;
    for (var i = 0; i < value.length; i += 1) {
      if (value[i] === '"') {
        quoted = !quoted;
      } else if (value[i] === "," && !quoted) {
        found = i;
      }
    }
    return found;
  }

  /* The names already in the field, lower-cased, but for the one being typed. */
  function chosenNames(value) {
    return value
      .split(",")
      .slice(0, -1)
      .map(function (name) {
        return name.replace(/"/g, "").trim().toLowerCase();
      });
  }

  /* As taggit writes a name that holds a space or a comma: in double quotes. */
  function quoted(name) {
    return /[\s,]/.test(name) ? '"' + name.replace(/"/g, "") + '"' : name;
  }

  /* The story's language as the form says it now. */
  function storyLanguage(input) {
    var field = document.getElementById(input.getAttribute("data-tag-language-field") || "");
    if (field && field.value) {
      return field.value;
    }
    return input.getAttribute("data-tag-language") || "";
  }

  function setUp(input) {
    var url = input.getAttribute("data-tag-suggestions");
    var wrapper = document.createElement("span");
    var list = document.createElement("ul");
    var results = [];
    var active = -1;
    var timer = null;
    var pending = null;

    wrapper.className = "tag-suggest";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    list.id = input.id + "-suggestions";
    list.className = "tag-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    wrapper.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function typed() {
      var value = input.value;
      var start = lastSeparator(value) + 1;
      return { start: start, text: value.slice(start).replace(/"/g, "").trim() };
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      results = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      active = index;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function pick(name) {
      var head = input.value.slice(0, typed().start).replace(/\s+$/, "");
      input.value = (head ? head + " " : "") + quoted(name) + ", ";
      close();
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(found) {
      var chosen = chosenNames(input.value);
      results = found.filter(function (tag) {
        return chosen.indexOf(tag.name.toLowerCase()) === -1;
      });
      list.textContent = "";
      active = -1;
      if (!results.length) {
        close();
        return;
      }
      results.forEach(function (tag, i) {
        var option = document.createElement("li");
        var name = document.createElement("span");
        var uses = document.createElement("span");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-name", tag.name);
        name.textContent = tag.name;
        uses.className = "uses";
        uses.setAttribute("aria-hidden", "true"); /* the option is named by its tag alone */
        uses.textContent = String(tag.uses);
        option.appendChild(name);
        option.appendChild(uses);
        list.appendChild(option);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function ask() {
      var text = typed().text;
      if (pending) {
        pending.abort();
      }
      if (!text) {
        close();
        return;
      }
      pending = new AbortController();
      var query = "?q=" + encodeURIComponent(text);
      query += "&language=" + encodeURIComponent(storyLanguage(input));
      fetch(url + query, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: pending.signal,
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (document.activeElement === input && typed().text === text) {
            show(data.results || []);
          }
        })
        .catch(function () {
          /* Aborted by a newer keystroke, or offline: the field still takes typed names. */
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % results.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active <= 0 ? results.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault(); /* picks the tag; does not send the form */
        pick(results[active].name);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });

    input.addEventListener("blur", close);

    /* mousedown, not click: the input keeps the focus, so blur does not close the list first. */
    list.addEventListener("mousedown", function (event) {
      var option = event.target.closest("[role=option]");
      event.preventDefault();
      if (option) {
        pick(option.getAttribute("data-name"));
      }
    });
  }

  function start() {
    document.querySelectorAll("input[data-tag-suggestions]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
