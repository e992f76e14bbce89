// Choosing people in the sidebar, with the page's one people search (search.js): the "New
// group" form (a title, the people, "Create") and "Add members" of an open group. While it is
// on, the sidebar shows it instead of the chat list (at phone width, instead of the chat).
import { api } from "./api.js";
import { avatar } from "./avatars.js";
import { codePoints, el } from "./dom.js";
import { errorText, t } from "./i18n.js";

const TITLE_MAX = 128;

export class Picker {
  /**
   * `onCreated(chat)` hears of a new group, `onAdded(chat)` of people added to one (the chat
   * as the server answered).
   */
  constructor({ app, search, onCreated, onAdded }) {
    this.app = app;
    this.search = search;
    this.onCreated = onCreated;
    this.onAdded = onAdded;
    this.root = document.getElementById("picker");
    this.form = document.getElementById("picker-form");
    this.heading = this.root.querySelector(".picker__title");
    this.lead = this.root.querySelector(".picker__lead");
    this.nameField = this.form.querySelector(".picker__name");
    this.titleInput = this.form.elements.title;
    this.chosenList = this.form.querySelector(".picker__chosen");
    this.foot = document.querySelector(".picker__foot");
    this.error = this.foot.querySelector(".picker__error");
    this.submitButton = this.foot.querySelector(".picker__submit");
    this.mode = null; // "create" or "add"
    this.chat = null; // the group people are added to
    this.memberIds = new Set();
    this.chosen = new Map(); // id → user, in the order chosen
    this.returnFocus = null;
    this.busy = false;

    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.root.querySelector(".picker__cancel").addEventListener("click", () => this.close());
    this.titleInput.addEventListener("input", () => this.say(""));
    document.querySelector(".sidebar").addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.mode && !event.defaultPrevented) {
        event.preventDefault();
        this.close();
      }
    });
  }

  get active() {
    return this.mode !== null;
  }

  /** The "New group" form. */
  openCreate(returnFocus = null) {
    this.start("create", null, [], returnFocus);
    this.heading.textContent = t("new_group");
    this.lead.textContent = t("new_group_lead");
    this.nameField.hidden = false;
    this.titleInput.value = "";
    this.submitButton.textContent = t("create");
    this.titleInput.focus();
  }

  /** Add people to `chat` (a group), whose members are `memberIds`. */
  openAdd(chat, memberIds, returnFocus = null) {
    this.start("add", chat, memberIds, returnFocus);
    this.heading.textContent = t("add_members_title");
    this.lead.textContent = t("add_to", { title: chat.title || "" });
    this.nameField.hidden = true;
    this.submitButton.textContent = t("add_members");
    this.search.field.focus();
  }

  start(mode, chat, memberIds, returnFocus) {
    this.mode = mode;
    this.chat = chat;
    this.memberIds = new Set(memberIds);
    this.chosen.clear();
    this.returnFocus = returnFocus;
    this.busy = false;
    this.submitButton.disabled = false;
    this.say("");
    this.renderChosen();
    this.root.hidden = false;
    this.foot.hidden = false;
    this.app.dataset.picking = mode;
    this.search.pick({
      isPicked: (user) => this.chosen.has(user.id),
      unavailable: (user) => (this.memberIds.has(user.id) ? t("already_member") : ""),
      toggle: (user) => this.toggle(user),
    });
  }

  /** Back to the chat list (and, after "Add members", to the chat). */
  close({ focus = true } = {}) {
    if (!this.mode) return;
    this.mode = null;
    this.chat = null;
    this.chosen.clear();
    this.root.hidden = true;
    this.foot.hidden = true;
    delete this.app.dataset.picking;
    this.search.stopPicking();
    if (focus) this.returnFocus?.focus?.();
    this.returnFocus = null;
  }

  /** The group people are being added to is gone (or changed): stop if it is this one. */
  closeFor(chatId) {
    if (this.mode === "add" && this.chat?.id === chatId) this.close({ focus: false });
  }

  toggle(user) {
    if (this.chosen.has(user.id)) this.chosen.delete(user.id);
    else this.chosen.set(user.id, user);
    this.say("");
    this.renderChosen();
  }

  renderChosen() {
    const items = [...this.chosen.values()].map((user) => {
      const chip = el(
        "button",
        { type: "button", class: "chip", "aria-label": t("deselect", { name: user.display_name }) },
        avatar(user, "xs"),
        el("span", { class: "chip__name", text: user.display_name }),
        el("span", { class: "chip__x", "aria-hidden": "true", text: "×" }),
      );
      chip.addEventListener("click", () => {
        this.toggle(user);
        this.search.refreshPicked();
        this.search.field.focus();
      });
      return el("li", {}, chip);
    });
    this.chosenList.replaceChildren(...items);
    this.chosenList.hidden = items.length === 0;
    this.chosenList.setAttribute("aria-label", t("chosen_count", { count: items.length }));
  }

  async submit() {
    if (this.busy || !this.mode) return;
    this.say("");
    const title = this.titleInput.value;
    if (this.mode === "create") {
      if (!title.trim()) return this.say(t("title_needed"), this.titleInput);
      if (codePoints(title) > TITLE_MAX) return this.say(t("title_too_long"), this.titleInput);
    }
    if (!this.chosen.size) return this.say(t("people_needed"), this.search.field);
    const userIds = [...this.chosen.keys()];
    const mode = this.mode;
    const chat = this.chat;
    this.busy = true;
    this.submitButton.disabled = true;
    let data;
    try {
      ({ data } = await (mode === "create"
        ? api.post("/api/chats", { kind: "group", title, user_ids: userIds })
        : api.post(`/api/chats/${chat.id}/members`, { user_ids: userIds })));
    } catch (error) {
      if (this.mode !== mode) return;
      this.busy = false;
      this.submitButton.disabled = false;
      if (error.status !== 401) this.say(pickerErrorText(error));
      return;
    }
    if (this.mode !== mode) return;
    this.close({ focus: false });
    if (mode === "create") this.onCreated(data);
    else this.onAdded(data);
  }

  /** What is wrong (empty text hides it); `field` gets the focus. */
  say(text, field = null) {
    this.error.textContent = text;
    this.error.hidden = !text;
    field?.focus();
  }
}

function pickerErrorText(error) {
  if (error.code === "blocked") return t("error_group_blocked");
  if (error.code === "validation_error") {
    if (error.fields.title) return t("title_needed");
    if (error.fields.user_ids) return t("error_group_people");
  }
  return errorText(error);
}
