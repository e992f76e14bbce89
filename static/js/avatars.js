// Avatars: a round face with coloured initials underneath, and the picture on top when there is
// one that loads. The server draws the same ones (tether/pages/web.py, _avatar.html) with the
// same colour and initials, computed by the same formulas as here.
import { el, safeHttpUrl } from "./dom.js";

/**
 * A stable hue (0-359) for `key` (a user's id): for each code point,
 * value = (value * 31 + code point) & 0xFFFFFFFF, then value % 360, as avatar_hue in
 * tether/pages/web.py. (Math.imul keeps the product's low 32 bits exact; >>> 0 reads them
 * unsigned, which is what the mask does in Python.)
 */
export function avatarHue(key) {
  let value = 0;
  for (const char of String(key)) value = (Math.imul(value, 31) + char.codePointAt(0)) >>> 0;
  return value % 360;
}

/** The first letters of the first two words, upper-cased, or "?" (initials in web.py). */
export function initials(name) {
  const words = String(name || "").split(/\s+/).filter(Boolean);
  const letters = words.slice(0, 2).map((word) => [...word][0]).join("");
  return (letters || "?").toUpperCase();
}

/** When the picture does not load, it goes and the initials underneath show. */
function fallBack(img) {
  if (img.complete && img.naturalWidth === 0) img.remove();
  else img.addEventListener("error", () => img.remove(), { once: true });
}

/** The server-drawn avatars of the page (their pictures carry data-fallback). */
export function fallBackOnBrokenAvatars(root = document) {
  for (const img of root.querySelectorAll("img[data-fallback]")) fallBack(img);
}

/** A round avatar for `user` ({id, display_name, avatar_url}); `size`: sm, md, xl. */
export function avatar(user, size = "md") {
  const node = el("span", { class: `avatar avatar--${size}`, "aria-hidden": "true" });
  node.style.setProperty("--hue", String(avatarHue(user?.id || "")));
  node.append(el("span", { class: "avatar__initials", text: initials(user?.display_name) }));
  const src = safeHttpUrl(user?.avatar_url);
  if (src) {
    const img = el("img", { src, alt: "", loading: "lazy", referrerpolicy: "no-referrer" });
    img.addEventListener("error", () => img.remove(), { once: true });
    node.append(img);
  }
  node.append(el("span", { class: "avatar__dot" }));
  return node;
}
