"use strict";
// The image form's focal point (ImageAdmin.focal_point): a click on the picture sets the two
// fraction fields, which stay on the page for keyboards and are all that is saved; the marker
// follows them. Without JavaScript the fields work alone. The point is a fraction of the
// picture measured from its left and top edges, in a right-to-left desk too (a picture is not
// mirrored): the click is read, and the marker placed, from the image's own box.
{
  const fraction = (value) => Math.min(1, Math.max(0, value)).toFixed(3);

  function show(marker, x, y) {
    if (Number.isNaN(x) || Number.isNaN(y)) {
      return;
    }
    marker.style.left = `${fraction(x) * 100}%`;
    marker.style.top = `${fraction(y) * 100}%`;
    marker.hidden = false;
  }

  function start(picker) {
    const image = picker.querySelector("img");
    const marker = picker.querySelector(".focal-marker");
    const inputX = document.getElementById("id_focal_x");
    const inputY = document.getElementById("id_focal_y");
    if (!inputX || !inputY) {
      // Read-only: the saved point only.
      show(marker, parseFloat(picker.dataset.x), parseFloat(picker.dataset.y));
      return;
    }
    const follow = () => show(marker, parseFloat(inputX.value), parseFloat(inputY.value));
    follow();
    picker.classList.add("focal-picker-active");
    image.addEventListener("click", (event) => {
      const box = image.getBoundingClientRect();
      inputX.value = fraction((event.clientX - box.left) / box.width);
      inputY.value = fraction((event.clientY - box.top) / box.height);
      follow();
      inputX.dispatchEvent(new Event("change", { bubbles: true }));
    });
    inputX.addEventListener("input", follow);
    inputY.addEventListener("input", follow);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".focal-picker").forEach(start);
  });
}
