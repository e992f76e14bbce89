// Find people by username or name, and open (or start) the chat with one of them.
import { api } from "./api.js";
import { avatar } from "./avatars.js";
import { el } from "./dom.js";
import { errorText, t } from "./i18n.js";

const DEBOUNCE_MS = 250;

export class Search {
  constructor(form, { onChat, onToggle }) {
    this.form = form;
    this.field = form.elements.q;
    this.panel = document.getElementById("search-panel");
    this.results = document.getElementById("search-results");
    this.status = document.getElementById("search-status");
    this.onChat = onChat;
    this.onToggle = onToggle;
    this.timer = null;
    this.asked = 0;
    this.shownFor = null;
    this.users = [];

    this.field.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.run(), DEBOUNCE_MS);
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearTimeout(this.timer);
      if (this.shownFor !== this.query) await this.run();
      if (this.users.length) this.start(this.users[0]);
    });
    this.field.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.clear();
      if (event.key === "ArrowDown") {
        event.preventDefault();
        this.results.querySelector("button")?.focus();
      }
    });
    this.results.addEventListener("keydown", (event) => this.keydown(event));
  }

  get query() {
    return this.field.value.trim();
  }

  async run() {
    const query = this.query;
    const asked = ++this.asked;
    if (!query) {
      this.hide();
      return;
    }
    this.show();
    this.status.textContent = t("searching");
    let users;
    try {
      ({ data: users } = await api.get(`/api/users?q=${encodeURIComponent(query)}`));
    } catch {
      if (asked === this.asked) this.status.textContent = t("error_generic");
      return;
    }
    if (asked !== this.asked) return;
    this.users = users;
    this.shownFor = query;
    this.results.replaceChildren(...users.map((user) => this.item(user)));
    this.status.textContent = users.length ? t("people_found", { count: users.length }) : t("nobody_found");
  }

  item(user) {
    const button = el(
      "button",
      { type: "button", class: "person", dataset: { userId: user.id } },
      avatar(user),
      el(
        "span",
        { class: "person__body" },
        el("span", { class: "person__name", text: user.display_name }),
        el("span", { class: "person__username", text: `@${user.username}` }),
      ),
    );
    button.addEventListener("click", () => this.start(user));
    return el("li", {}, button);
  }

  async start(user) {
    try {
      const { data } = await api.post("/api/chats", { user_id: user.id });
      this.clear();
      this.onChat(data);
    } catch (error) {
      this.status.textContent = errorText(error);
    }
  }

  keydown(event) {
    const buttons = [...this.results.querySelectorAll("button")];
    const index = buttons.indexOf(document.activeElement);
    if (event.key === "Escape") {
      this.clear();
      this.field.focus();
      return;
    }
    if (index === -1 || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) return;
    event.preventDefault();
    if (event.key === "ArrowUp" && index === 0) this.field.focus();
    else buttons[Math.min(buttons.length - 1, index + (event.key === "ArrowDown" ? 1 : -1))].focus();
  }

  show() {
    if (!this.panel.hidden) return;
    this.panel.hidden = false;
    this.onToggle(true);
  }

  hide() {
    this.users = [];
    this.shownFor = null;
    this.results.replaceChildren();
    this.status.textContent = "";
    if (this.panel.hidden) return;
    this.panel.hidden = true;
    this.onToggle(false);
  }

  clear() {
    this.asked += 1;
    this.field.value = "";
    this.hide();
  }
}
