// Attachments in a message: images as thumbnails that open the full image in a viewer (a modal
// that Escape closes), other files as a card with the name, the size and a download link. Each
// carries data-attachment-id. Also the words that stand in for a message without text ("Photo",
// "File") and sizes in words.
import { el, safeHttpUrl } from "./dom.js";
import { lang, t } from "./i18n.js";

const UNITS = ["size_b", "size_kb", "size_mb", "size_gb"];
const sizeFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });

/** "830 B", "12.5 KB", "3 MB" (powers of 1024, as the server's limit). */
export function formatSize(bytes) {
  let value = Number(bytes) || 0;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return t(UNITS[unit], { size: sizeFormat.format(unit === 0 ? value : Math.round(value * 10) / 10) });
}

/** What stands in for the text of a message with `attachments` ("Photo" when they are all
 * images, else "File"); "Attachment" when only their presence is known. */
export function attachmentLabel(attachments) {
  if (!attachments?.length) return t("attachment");
  return attachments.every((item) => item.kind === "image") ? t("photo") : t("file");
}

/** Same-origin API paths only reach an attribute. */
function href(path) {
  const url = safeHttpUrl(path);
  return url && new URL(url).origin === location.origin ? url : null;
}

/**
 * Fill `container` with the elements of `attachments`; `onOpen(attachment, opener)` shows an
 * image in full.
 */
export function renderAttachments(container, attachments, { onOpen }) {
  const items = attachments || [];
  const key = JSON.stringify(items.map((item) => item.id));
  container.hidden = items.length === 0;
  if (container.dataset.key === key) return;
  container.dataset.key = key;
  container.classList.toggle("is-gallery", items.filter((item) => item.kind === "image").length > 1);
  container.replaceChildren(...items.map((item) => attachmentNode(item, onOpen)));
}

function attachmentNode(item, onOpen) {
  if (item.kind === "image" && item.thumbnail_url) {
    const image = el("img", {
      src: href(item.thumbnail_url),
      alt: item.name,
      loading: "lazy",
      decoding: "async",
      width: item.width || null,
      height: item.height || null,
    });
    const button = el(
      "button",
      { type: "button", class: "att att--image", dataset: { attachmentId: item.id }, title: item.name },
      image,
    );
    button.addEventListener("click", () => onOpen(item, button));
    return button;
  }
  return el(
    "div",
    { class: "att att--file", dataset: { attachmentId: item.id } },
    el("span", { class: "att__icon", "aria-hidden": "true" }),
    el(
      "span",
      { class: "att__body" },
      el("span", { class: "att__name", dir: "auto", text: item.name }),
      el("span", { class: "att__size", text: formatSize(item.size) }),
    ),
    el("a", {
      class: "att__download",
      href: href(item.url),
      download: item.name,
      text: t("download"),
      "aria-label": t("download_name", { name: item.name }),
    }),
  );
}

/** The full image in a modal <dialog>: its name, a download link, × and Escape close it. */
export class ImageViewer {
  constructor(dialog) {
    this.dialog = dialog;
    this.image = dialog.querySelector(".viewer__image");
    this.name = dialog.querySelector(".viewer__name");
    this.download = dialog.querySelector(".viewer__download");
    this.returnFocus = null;
    dialog.querySelector(".viewer__close").addEventListener("click", () => this.close());
    // A click on the backdrop (outside the picture) closes it too.
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) this.close();
    });
    dialog.addEventListener("close", () => {
      this.image.removeAttribute("src");
      this.returnFocus?.focus?.();
      this.returnFocus = null;
    });
  }

  open(attachment, opener) {
    this.returnFocus = opener;
    this.image.src = href(attachment.url) || "";
    this.image.alt = attachment.name;
    this.name.textContent = attachment.name;
    const link = href(attachment.url);
    if (link) this.download.href = link;
    this.download.setAttribute("download", attachment.name);
    if (!this.dialog.open) this.dialog.showModal();
    this.dialog.querySelector(".viewer__close").focus();
  }

  close() {
    if (this.dialog.open) this.dialog.close();
  }
}
