// Server-drawn avatars: when the picture does not load, the initials underneath show.
export function fallBackOnBrokenAvatars(root = document) {
  for (const img of root.querySelectorAll("img[data-fallback]")) {
    if (img.complete && img.naturalWidth === 0) img.remove();
    else img.addEventListener("error", () => img.remove(), { once: true });
  }
}
