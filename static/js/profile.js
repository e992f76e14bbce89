// The profile form: a live avatar preview (initials when there is no picture) and a counter.
import { fallBackOnBrokenAvatars } from "./avatars.js";
import { avatar, codePoints } from "./dom.js";

fallBackOnBrokenAvatars();

const preview = document.getElementById("avatar-preview");
const nameField = document.getElementById("id_display_name");
const urlField = document.getElementById("id_avatar_url");
const userId = preview?.dataset.userId || "";

function redraw() {
  const face = avatar({ id: userId, display_name: nameField.value, avatar_url: urlField.value }, "xl");
  preview.replaceChildren(face);
}

if (preview && nameField && urlField) {
  nameField.addEventListener("input", redraw);
  urlField.addEventListener("change", redraw);
}

for (const counter of document.querySelectorAll("[data-count-for]")) {
  const field = document.getElementById(counter.dataset.countFor);
  const max = Number(counter.dataset.max);
  const update = () => {
    counter.textContent = `${codePoints(field.value)} / ${max}`;
  };
  field.addEventListener("input", update);
  update();
}
