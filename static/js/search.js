// Find people by username or name, and open (or start) the chat with one of them; or, while a
// picker is on (picker.js: a new group's members, people to add to one), choose people.
import { api } from "./api.js";
import { avatar } from "./avatars.js";
import { el } from "./dom.js";
import { errorText, t } from "./i18n.js";
import { people } from "./people.js";

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
    // While choosing people: {isPicked(user), unavailable(user) (why not, or ""), toggle(user)}.
    this.picker = null;

    this.field.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.run(), DEBOUNCE_MS);
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearTimeout(this.timer);
      if (this.shownFor !== this.query) await this.run();
      if (this.picker) this.pickFirst();
      else if (this.users.length) this.start(this.users[0]);
    });
    this.field.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        // Something to clear: that is all this Escape does (a picker stays open).
        if (this.field.value) event.preventDefault();
        this.clear();
      }
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
    people.remember(users);
    this.users = users;
    this.shownFor = query;
    this.results.replaceChildren(...users.map((user) => this.item(user)));
    this.status.textContent = users.length ? t("people_found", { count: users.length }) : t("nobody_found");
  }

  item(user) {
    const unavailable = this.picker?.unavailable(user) || "";
    const button = el(
      "button",
      { type: "button", class: "person", dataset: { userId: user.id } },
      avatar(user),
      el(
        "span",
        { class: "person__body" },
        el("span", { class: "person__name", text: user.display_name }),
        el("span", { class: "person__username", text: `@${user.username}${unavailable ? ` · ${unavailable}` : ""}` }),
      ),
    );
    if (this.picker) {
      button.setAttribute("aria-pressed", String(this.picker.isPicked(user)));
      if (unavailable) button.setAttribute("aria-disabled", "true");
      button.classList.add("person--pick");
    }
    button.addEventListener("click", () => this.start(user));
    return el("li", {}, button);
  }

  async start(user) {
    if (this.picker) {
      if (this.picker.unavailable(user)) return;
      this.picker.toggle(user);
      this.refreshPicked();
      return;
    }
    try {
      const { data } = await api.post("/api/chats", { user_id: user.id });
      this.clear();
      this.onChat(data);
    } catch (error) {
      this.status.textContent = errorText(error);
    }
  }

  // --- choosing people (picker.js) ----------------------------------------------------------

  /** Choose people instead of opening chats, until `stopPicking()`. */
  pick(picker) {
    this.picker = picker;
    this.clear();
    this.show();
    this.status.textContent = t("pick_hint");
  }

  stopPicking() {
    if (!this.picker) return;
    this.picker = null;
    this.clear();
  }

  /** Enter: the first person found who is not chosen yet; the field empties for the next. */
  pickFirst() {
    const user = this.users.find((u) => !this.picker.unavailable(u) && !this.picker.isPicked(u));
    if (!user) return;
    this.picker.toggle(user);
    this.clear();
    this.field.focus();
  }

  /** Who is chosen changed: the results say so, without losing the focus. */
  refreshPicked() {
    if (!this.picker) return;
    for (const button of this.results.querySelectorAll(".person")) {
      const user = this.users.find((u) => u.id === button.dataset.userId);
      if (user) button.setAttribute("aria-pressed", String(this.picker.isPicked(user)));
    }
  }

  keydown(event) {
    const buttons = [...this.results.querySelectorAll("button")];
    const index = buttons.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
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
    if (this.picker) {
      // The panel stays: it is where the people to choose will show.
      this.status.textContent = t("pick_hint");
      return;
    }
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
