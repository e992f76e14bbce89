// The message field: Enter sends, Shift+Enter breaks the line, a counter near the limit, an
// edit mode for one's own message, and the quote of the message one replies to (Escape or its
// × cancels it). Files go with the message (uploads.js): picked with the paperclip, pasted into
// the field or dropped onto the chat; the text is then their caption and may be empty, and a
// message sent while some are still uploading goes once they have arrived.
import { codePoints } from "./dom.js";
import { t } from "./i18n.js";
import { Uploads } from "./uploads.js";

export const MAX_LENGTH = 4096;
const COUNTER_FROM = MAX_LENGTH - 596;

export class Composer {
  /**
   * `onSend(text, replyTo, attachments)`; `maxUploadBytes`: the server's limit for a file;
   * `onRefused(text)` says why a file did not go.
   */
  constructor(form, {
    onSend, onEdit, onTyping, onEditLast, onDraft = () => {}, maxUploadBytes = 0, onRefused = () => {},
  }) {
    this.form = form;
    this.field = form.elements.content;
    this.sendButton = form.querySelector(".composer__send");
    this.counter = form.querySelector(".composer__counter");
    this.editBar = form.querySelector(".composer__edit");
    this.replyBar = form.querySelector(".composer__reply");
    this.replyName = form.querySelector(".composer__reply-name");
    this.replyText = form.querySelector(".composer__reply-text");
    this.onSend = onSend;
    this.onEdit = onEdit;
    this.onTyping = onTyping;
    this.onEditLast = onEditLast;
    this.onDraft = onDraft;
    this.editing = null;
    this.replying = null; // the record one replies to
    this.draftBeforeEdit = "";
    this.waiting = false; // sent while files were still uploading: goes once they have arrived
    this.uploads = new Uploads(form, {
      maxBytes: maxUploadBytes,
      onChange: () => this.uploadsChanged(),
      onRefused,
    });

    this.field.addEventListener("paste", (event) => {
      const files = [...(event.clipboardData?.files || [])];
      if (!files.length || this.editing) return;
      event.preventDefault();
      this.uploads.add(files);
    });
    this.listenForDrops(form.closest(".conversation__pane") || form);

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.field.addEventListener("keydown", (event) => this.keydown(event));
    this.field.addEventListener("input", () => {
      this.refresh();
      if (this.field.value && !this.editing) this.onTyping();
      if (!this.editing) this.onDraft(this.field.value);
    });
    this.editBar.querySelector("button").addEventListener("click", () => this.cancelEdit());
    this.replyBar.querySelector(".composer__reply-cancel").addEventListener("click", () => this.cancelReply());
    this.refresh();
  }

  keydown(event) {
    if (event.isComposing || event.keyCode === 229) return;
    if (event.key === "Enter" && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      this.submit();
    } else if (event.key === "Escape" && this.editing) {
      event.preventDefault();
      this.cancelEdit();
    } else if (event.key === "Escape" && this.replying) {
      event.preventDefault();
      this.cancelReply();
    } else if (event.key === "ArrowUp" && this.field.value === "" && !this.editing) {
      if (this.onEditLast()) event.preventDefault();
    }
  }

  get value() {
    return this.field.value;
  }

  set value(text) {
    this.field.value = text;
    this.refresh();
  }

  /** Files dragged over `zone` are taken when dropped there. */
  listenForDrops(zone) {
    const carriesFiles = (event) => [...(event.dataTransfer?.types || [])].includes("Files");
    let depth = 0;
    zone.addEventListener("dragenter", (event) => {
      if (!carriesFiles(event) || this.field.disabled) return;
      depth += 1;
      zone.classList.add("is-dropping");
    });
    zone.addEventListener("dragleave", () => {
      depth = Math.max(0, depth - 1);
      if (!depth) zone.classList.remove("is-dropping");
    });
    zone.addEventListener("dragover", (event) => {
      if (!carriesFiles(event) || this.field.disabled) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    });
    zone.addEventListener("drop", (event) => {
      depth = 0;
      zone.classList.remove("is-dropping");
      const files = [...(event.dataTransfer?.files || [])];
      if (!files.length) return;
      event.preventDefault();
      if (this.editing || this.field.disabled) return;
      this.uploads.add(files);
      this.field.focus();
    });
  }

  /** An upload started, arrived, failed or was cancelled. */
  uploadsChanged() {
    this.refresh();
    if (this.waiting && !this.uploads.pending) this.submit();
  }

  /** Show the uploads of chat `chatId` (a message being held for them waits no more). */
  showUploads(chatId) {
    this.waiting = false;
    this.uploads.show(chatId);
    this.refresh();
  }

  /** Why the text cannot go (empty, only spaces, too long), or null; with files (`withFiles`)
   * it may be empty. */
  problem(text, withFiles = false) {
    if (!text.trim() && !withFiles) return "empty";
    if (codePoints(text) > MAX_LENGTH) return "too_long";
    if (text.includes("\u0000")) return "empty";
    return null;
  }

  /** With files, text of only spaces goes as none. */
  caption(text) {
    return text.trim() ? text : "";
  }

  submit() {
    const text = this.field.value;
    if (this.editing) {
      const record = this.editing;
      const withFiles = Boolean(record.attachments?.length);
      if (this.problem(text, withFiles)) {
        this.field.focus();
        return;
      }
      this.finishEdit();
      const content = withFiles ? this.caption(text) : text;
      if (content !== record.content) this.onEdit(record, content);
      this.field.focus();
      return;
    }
    if (this.problem(text, this.uploads.count > 0)) {
      this.waiting = false;
      this.refresh();
      if (document.activeElement !== this.field) this.field.focus();
      return;
    }
    if (this.uploads.pending) {
      this.waiting = true;
      this.refresh();
      return;
    }
    this.waiting = false;
    const attachments = this.uploads.take();
    const replyTo = this.replying;
    this.value = "";
    this.setReply(null);
    this.onSend(attachments.length ? this.caption(text) : text, replyTo, attachments);
    this.field.focus();
  }

  /** Reply to `record`: `quote` is `{name, text}`, what the bar above the field shows of it. */
  startReply(record, quote) {
    if (this.editing) this.finishEdit();
    this.setReply(record, quote);
    this.field.focus();
  }

  /** Show the reply bar for `record` (null hides it), without moving the focus. */
  setReply(record, quote = null) {
    this.replying = record;
    this.replyBar.hidden = !record;
    this.form.classList.toggle("is-replying", Boolean(record));
    if (!record) return;
    this.replyName.textContent = quote?.name || "";
    this.replyText.textContent = quote?.text || "";
  }

  cancelReply() {
    this.setReply(null);
    this.field.focus();
  }

  startEdit(record) {
    this.setReply(null);
    if (!this.editing) this.draftBeforeEdit = this.field.value;
    this.editing = record;
    this.editBar.hidden = false;
    this.form.classList.add("is-editing");
    this.value = record.content;
    this.field.focus();
    this.field.setSelectionRange(this.field.value.length, this.field.value.length);
  }

  cancelEdit() {
    this.finishEdit();
    this.field.focus();
  }

  finishEdit() {
    this.editing = null;
    this.editBar.hidden = true;
    this.form.classList.remove("is-editing");
    this.value = this.draftBeforeEdit;
    this.draftBeforeEdit = "";
  }

  setEnabled(enabled) {
    this.field.disabled = !enabled;
    this.uploads.setEnabled(enabled);
    this.refresh();
  }

  refresh() {
    const text = this.field.value;
    const length = codePoints(text);
    const withFiles = this.editing ? Boolean(this.editing.attachments?.length) : this.uploads.count > 0;
    const problem = this.problem(text, withFiles);
    this.sendButton.disabled = this.field.disabled || problem !== null;
    this.sendButton.setAttribute("aria-busy", String(this.waiting));
    this.form.classList.toggle("is-waiting", this.waiting);
    const showCounter = length >= COUNTER_FROM;
    this.counter.hidden = !showCounter;
    this.counter.textContent = showCounter ? `${length} / ${MAX_LENGTH}` : "";
    this.counter.classList.toggle("is-over", length > MAX_LENGTH);
    this.counter.title = length > MAX_LENGTH ? t("too_long") : "";
    this.field.setAttribute("aria-invalid", String(length > MAX_LENGTH));
    // Grow with the text up to a few lines, then scroll.
    this.field.style.height = "auto";
    this.field.style.height = `${Math.min(this.field.scrollHeight, 180)}px`;
  }
}
