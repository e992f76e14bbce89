// The files waiting to go with the next message: picked with the paperclip (several at once),
// pasted into the field or dropped onto the chat. Each uploads at once, shown as a chip with its
// progress (data-upload-progress, 0-100) and a × that cancels it; the message takes those that
// have arrived. Each chat keeps its own.
import { upload } from "./api.js";
import { formatSize } from "./attachments.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";

export const MAX_FILES = 10; // attachments in one message, as the server allows

export class Uploads {
  /**
   * `maxBytes`: the server's limit (0: unknown); `onChange()` hears that the chips changed or an
   * upload finished; `onRefused(text)` says why a file did not go.
   */
  constructor(form, { maxBytes, onChange, onRefused }) {
    this.input = form.elements.file;
    this.button = form.querySelector(".composer__attach");
    this.chips = form.querySelector(".uploads");
    this.maxBytes = maxBytes;
    this.onChange = onChange;
    this.onRefused = onRefused;
    this.byChat = new Map(); // chat id → [item]
    this.chatId = null;
    this.button.addEventListener("click", () => this.input.click());
    this.input.addEventListener("change", () => {
      this.add([...this.input.files]);
      this.input.value = "";
    });
  }

  get items() {
    return this.chatId ? this.byChat.get(this.chatId) || [] : [];
  }

  /** Show (and add to) the uploads of `chatId` from now on. */
  show(chatId) {
    this.chatId = chatId;
    this.render();
  }

  setEnabled(enabled) {
    this.button.disabled = !enabled;
    this.input.disabled = !enabled;
  }

  get pending() {
    return this.items.some((item) => !item.attachment);
  }

  get count() {
    return this.items.length;
  }

  /** Start uploading `files` into the open chat's list. */
  add(files) {
    const chatId = this.chatId;
    if (!chatId || !files.length || this.input.disabled) return;
    let list = this.byChat.get(chatId);
    if (!list) {
      list = [];
      this.byChat.set(chatId, list);
    }
    for (const file of files) {
      if (list.length >= MAX_FILES) {
        this.onRefused(t("too_many_files", { count: MAX_FILES }));
        break;
      }
      if (this.maxBytes && file.size > this.maxBytes) {
        this.onRefused(t("error_file_too_large", { max: maxMegabytes(this.maxBytes) }));
        continue;
      }
      if (!file.size) {
        this.onRefused(t("error_file_empty", { name: file.name }));
        continue;
      }
      list.push(this.start(chatId, file));
    }
    this.render();
    this.onChange();
  }

  start(chatId, file) {
    const item = { file, progress: 0, attachment: null, chip: null, bar: null };
    const { promise, abort } = upload(file, { onProgress: (percent) => this.progress(item, percent) });
    item.abort = abort;
    item.done = promise.then(
      (attachment) => {
        item.attachment = attachment;
        this.progress(item, 100);
        this.onChange();
      },
      (error) => {
        this.drop(chatId, item);
        if (error.code !== "aborted") this.onRefused(uploadErrorText(error, this.maxBytes));
      },
    );
    return item;
  }

  progress(item, percent) {
    item.progress = Math.max(item.progress, Math.min(100, percent));
    if (!item.chip) return;
    item.chip.dataset.uploadProgress = String(item.progress);
    item.bar.value = item.progress;
    item.chip.classList.toggle("is-done", Boolean(item.attachment));
  }

  /** × on a chip: stop its upload (if it is still going) and leave it out of the message. */
  cancel(item) {
    item.abort();
    this.drop(this.chatId, item);
    this.input.closest("form").elements.content.focus();
  }

  drop(chatId, item) {
    const list = this.byChat.get(chatId);
    const index = list ? list.indexOf(item) : -1;
    if (index === -1) return;
    list.splice(index, 1);
    if (chatId === this.chatId) this.render();
    this.onChange();
  }

  /** Every upload of the open chat has arrived or gone (a promise). */
  settled() {
    return Promise.all(this.items.map((item) => item.done));
  }

  /** The arrived attachments of the open chat, which leave the composer. */
  take() {
    const taken = this.items.filter((item) => item.attachment).map((item) => item.attachment);
    this.byChat.delete(this.chatId);
    this.render();
    return taken;
  }

  render() {
    const items = this.items;
    this.chips.hidden = items.length === 0;
    this.chips.replaceChildren(...items.map((item) => this.chip(item)));
  }

  chip(item) {
    if (item.chip) return item.chip;
    const name = item.file.name;
    item.bar = el("progress", { class: "upload__bar", max: "100", value: String(item.progress), "aria-label": t("uploading", { name }) });
    item.chip = el(
      "li",
      { class: "upload", dataset: { uploadProgress: String(item.progress) } },
      el(
        "span",
        { class: "upload__body" },
        el("span", { class: "upload__name", dir: "auto", text: name }),
        el("span", { class: "upload__size", text: formatSize(item.file.size) }),
      ),
      item.bar,
      el("button", {
        type: "button",
        class: "icon-button upload__cancel",
        "aria-label": t("cancel_upload", { name }),
        title: t("cancel_upload", { name }),
        onclick: () => this.cancel(item),
      }, el("span", { "aria-hidden": "true", text: "×" })),
    );
    item.chip.classList.toggle("is-done", Boolean(item.attachment));
    return item.chip;
  }
}

function maxMegabytes(bytes) {
  return Math.round((bytes / (1024 * 1024)) * 10) / 10;
}

/** Why an upload was refused, in words. */
function uploadErrorText(error, maxBytes) {
  if (error.code === "too_large") return t("error_file_too_large", { max: maxMegabytes(maxBytes) });
  if (error.code === "throttled") return t("error_too_many_uploads");
  if (error.code === "validation_error") return t("error_upload_invalid");
  if (error.code === "network") return t("error_upload_network");
  return t(`error_${error.code}`) === `error_${error.code}` ? t("error_generic") : t(`error_${error.code}`);
}
