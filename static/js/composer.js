// The message field: Enter sends, Shift+Enter breaks the line, a counter near the limit, an
// edit mode for one's own message, and the quote of the message one replies to (Escape or its
// × cancels it).
import { codePoints } from "./dom.js";
import { t } from "./i18n.js";

export const MAX_LENGTH = 4096;
const COUNTER_FROM = MAX_LENGTH - 596;

export class Composer {
  constructor(form, { onSend, onEdit, onTyping, onEditLast }) {
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
    this.editing = null;
    this.replying = null; // the record one replies to
    this.draftBeforeEdit = "";

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.field.addEventListener("keydown", (event) => this.keydown(event));
    this.field.addEventListener("input", () => {
      this.refresh();
      if (this.field.value && !this.editing) this.onTyping();
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

  /** Why the text cannot go (empty, only spaces, too long), or null. */
  problem(text) {
    if (!text.trim()) return "empty";
    if (codePoints(text) > MAX_LENGTH) return "too_long";
    if (text.includes("\u0000")) return "empty";
    return null;
  }

  submit() {
    const text = this.field.value;
    if (this.problem(text)) {
      this.field.focus();
      return;
    }
    if (this.editing) {
      const record = this.editing;
      this.finishEdit();
      if (text !== record.content) this.onEdit(record, text);
    } else {
      const replyTo = this.replying;
      this.value = "";
      this.setReply(null);
      this.onSend(text, replyTo);
    }
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
    this.refresh();
  }

  refresh() {
    const text = this.field.value;
    const length = codePoints(text);
    const problem = this.problem(text);
    this.sendButton.disabled = this.field.disabled || problem !== null;
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
