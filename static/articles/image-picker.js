"use strict";
// The story form's lead-image picker (articles.desk.picker): Django's autocomplete, started
// here instead of by admin/js/autocomplete.js so each result shows its thumbnail, alt text
// and credit. Every word comes from the server's answer; none is markup.
{
  const $ = django.jQuery;

  function line(tag, className, text) {
    const element = document.createElement(tag);
    element.className = className;
    element.textContent = text;
    return element;
  }

  function result(item) {
    if (item.loading || !item.thumb) {
      return item.text;
    }
    const row = document.createElement("span");
    row.className = item.disabled ? "image-choice image-choice-disabled" : "image-choice";
    const thumb = document.createElement("img");
    thumb.src = item.thumb;
    thumb.alt = "";
    thumb.width = 80;
    thumb.loading = "lazy";
    const words = document.createElement("span");
    words.className = "image-choice-text";
    words.append(line("strong", "image-choice-title", item.text));
    if (item.alt && item.alt !== item.text) {
      words.append(line("span", "image-choice-alt", item.alt));
    }
    if (item.credit) {
      words.append(line("span", "image-choice-credit", item.credit));
    }
    if (item.note) {
      words.append(line("span", "image-choice-note", item.note));
    }
    row.append(thumb, words);
    return $(row);
  }

  function start(element) {
    $(element).select2({
      ajax: {
        data: (params) => ({
          term: params.term,
          page: params.page,
          app_label: element.dataset.appLabel,
          model_name: element.dataset.modelName,
          field_name: element.dataset.fieldName,
        }),
      },
      templateResult: result,
    });
  }

  $(() => {
    $(".image-picker").not("[name*=__prefix__]").each((index, element) => start(element));
  });
}
