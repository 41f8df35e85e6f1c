"use strict";
// "Upload several" (ImageAdmin.upload_view): with JavaScript each picture goes in a request of
// its own, so a large batch never meets the proxy's body limit and each file's fate is shown
// as it comes. Without JavaScript the form posts them all at once.
{
  function item(list, text) {
    const entry = document.createElement("li");
    entry.textContent = text;
    list.append(entry);
    return entry;
  }

  function link(href, text) {
    const anchor = document.createElement("a");
    anchor.href = href;
    anchor.textContent = text;
    return anchor;
  }

  async function send(form, file) {
    const data = new FormData(form);
    data.delete("files");
    data.append("files", file, file.name);
    const response = await fetch(form.action || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) {
      throw new Error(String(response.status));
    }
    return response.json();
  }

  async function upload(form, files) {
    const text = form.dataset;
    const list = form.querySelector(".upload-progress");
    list.replaceChildren();
    list.hidden = false;
    let next = null;
    let uploaded = 0;
    let refused = 0;
    for (const file of files) {
      const entry = item(list, `${text.sending} ${file.name}…`);
      try {
        const answer = await send(form, file);
        next = answer.next || next;
        if (answer.uploaded && answer.uploaded.length) {
          uploaded += answer.uploaded.length;
          entry.textContent = `${file.name}: ${text.uploaded}`;
          entry.className = "upload-done";
        }
        for (const refusal of answer.refused || []) {
          refused += 1;
          entry.textContent = `${refusal.name}: ${refusal.reason}`;
          entry.className = "upload-refused";
          if (refusal.existing) {
            entry.append(" ", link(refusal.existing, text.open));
          }
        }
      } catch (error) {
        refused += 1;
        entry.textContent = `${file.name} ${text.failed}`;
        entry.className = "upload-refused";
      }
    }
    if (uploaded && next && !refused) {
      window.location.assign(next);
    } else if (uploaded && next) {
      item(list, "").append(link(next, text.done));
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("image-batch-form");
    if (!form || !window.fetch || !window.FormData) {
      return;
    }
    const input = form.querySelector("input[type=file]");
    form.addEventListener("submit", (event) => {
      if (!input.files.length) {
        return;
      }
      event.preventDefault();
      upload(form, Array.from(input.files)).finally(() => {
        input.value = "";
      });
    });
  });
}
