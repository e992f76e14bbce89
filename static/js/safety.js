// Safety in the open chat: the chat header's menu (block, unblock, report) and the dialog that
// reports a person or a message. Whom one blocks is kept in blocks.js.
import { api } from "./api.js";
import { codePoints } from "./dom.js";
import { errorText, t } from "./i18n.js";

/** Up, Down, Home and End move between a menu's visible items. */
export function menuKeys(menu, event) {
  const items = [...menu.querySelectorAll('[role="menuitem"]')].filter((item) => !item.hidden);
  const index = items.indexOf(document.activeElement);
  const moves = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: items.length - 1 };
  if (!(event.key in moves) || !items.length) return;
  event.preventDefault();
  items[(moves[event.key] + items.length) % items.length].focus();
}

/** The ⋯ menu in the open chat's header. */
export class ChatMenu {
  constructor(root, { onAction }) {
    this.toggle = root.querySelector(".conv-menu__toggle");
    this.list = root.querySelector(".conv-menu__list");
    this.items = Object.fromEntries(
      [...this.list.querySelectorAll("[data-action]")].map((item) => [item.dataset.action, item]),
    );
    this.toggle.addEventListener("click", () => (this.list.hidden ? this.open() : this.close()));
    this.list.addEventListener("click", (event) => {
      const item = event.target.closest("[data-action]");
      if (!item) return;
      this.close();
      onAction(item.dataset.action);
    });
    this.list.addEventListener("keydown", (event) => menuKeys(this.list, event));
    document.addEventListener("click", (event) => {
      if (!this.list.hidden && !root.contains(event.target)) this.close({ focus: false });
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !this.list.hidden) this.close();
    });
  }

  /** Offer "Mute" or "Unmute", and in a direct chat "Block" or "Unblock", whichever applies. */
  render({ blocked, available, muted = false, direct = true }) {
    this.items.mute.hidden = muted;
    this.items.unmute.hidden = !muted;
    this.items.block.hidden = !direct || blocked;
    this.items.unblock.hidden = !direct || !blocked;
    this.items.report.hidden = !direct;
    this.toggle.hidden = !available;
    if (!available) this.close({ focus: false });
  }

  open() {
    this.list.hidden = false;
    this.toggle.setAttribute("aria-expanded", "true");
    [...this.list.querySelectorAll('[role="menuitem"]')].find((item) => !item.hidden)?.focus();
  }

  close({ focus = true } = {}) {
    if (this.list.hidden) return;
    this.list.hidden = true;
    this.toggle.setAttribute("aria-expanded", "false");
    if (focus) this.toggle.focus();
  }
}

/** The modal that reports a person or one message: a reason and, optionally, some words. */
export class ReportDialog {
  constructor(dialog, { onSent }) {
    this.dialog = dialog;
    this.form = dialog.querySelector("form");
    this.title = dialog.querySelector(".report__title");
    this.error = dialog.querySelector(".report__error");
    this.sendButton = dialog.querySelector(".report__send");
    this.counter = dialog.querySelector("[data-count-for]");
    this.onSent = onSent;
    this.target = null;
    this.returnFocus = null;

    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    dialog.querySelector(".report__cancel").addEventListener("click", () => this.dialog.close());
    dialog.addEventListener("close", () => this.returnFocus?.focus?.());
    this.form.elements.text.addEventListener("input", () => this.count());
    this.form.addEventListener("change", () => this.say(""));
  }

  /** `target`: {path: "/api/users/<id>/report" or "/api/messages/<id>/report", title}. */
  open(target) {
    this.target = target;
    this.returnFocus = document.activeElement;
    this.form.reset();
    this.count();
    this.say("");
    this.sendButton.disabled = false;
    this.title.textContent = target.title;
    this.dialog.showModal();
    this.form.elements.reason[0].focus();
  }

  count() {
    this.counter.textContent = `${codePoints(this.form.elements.text.value)} / 1000`;
  }

  async send() {
    const reason = this.form.elements.reason.value;
    if (!reason) {
      this.say(t("choose_reason"));
      this.form.elements.reason[0].focus();
      return;
    }
    const text = this.form.elements.text.value.trim();
    this.sendButton.disabled = true;
    try {
      await api.post(this.target.path, text ? { reason, text } : { reason });
    } catch (error) {
      this.sendButton.disabled = false;
      if (error.status === 401) return;
      this.say(error.code === "validation_error" ? t("error_generic") : errorText(error));
      return;
    }
    this.dialog.close();
    this.onSent();
  }

  say(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }
}
