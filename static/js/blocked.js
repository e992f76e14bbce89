// The profile page's list of the people one blocks, each with a button that unblocks them.
import { api } from "./api.js";
import { avatar } from "./avatars.js";
import { el } from "./dom.js";
import { errorText, t } from "./i18n.js";

export class BlockedList {
  constructor(root) {
    this.heading = root.querySelector("h2");
    this.list = root.querySelector(".blocked");
    this.status = root.querySelector(".sessions__status");
    this.none = root.querySelector(".sessions__none");
  }

  async load() {
    let users;
    try {
      ({ data: users } = await api.get("/api/users/blocked", { retry: true }));
    } catch (error) {
      // A 401 is on its way to /login/; anything else was refused, so a retry would be too.
      if (error.status !== 401) console.warn("Tether: the people you block could not be loaded.", error);
      return;
    }
    this.list.replaceChildren(...users.map((user) => this.row(user)));
    this.list.removeAttribute("aria-busy");
    this.none.hidden = users.length > 0;
  }

  row(user) {
    const nameId = `blocked-${user.id}`;
    const button = el("button", {
      type: "button",
      class: "button button--ghost session__revoke",
      "aria-describedby": nameId,
      text: t("unblock"),
    });
    const item = el(
      "li",
      { class: "session", dataset: { userId: user.id } },
      avatar(user, "sm"),
      el(
        "div",
        { class: "session__body" },
        el("p", { class: "session__device", id: nameId, text: user.display_name }),
        el("p", { class: "session__meta", text: `@${user.username}` }),
      ),
      button,
    );
    button.addEventListener("click", () => this.unblock(user, item, button));
    return item;
  }

  async unblock(user, item, button) {
    button.disabled = true;
    try {
      await api.delete(`/api/users/${user.id}/block`);
    } catch (error) {
      button.disabled = false;
      if (error.status !== 401) this.say(errorText(error));
      return;
    }
    const next = item.nextElementSibling || item.previousElementSibling;
    const hadFocus = item.contains(document.activeElement);
    item.remove();
    this.none.hidden = this.list.children.length > 0;
    this.say(t("unblocked", { name: user.display_name }));
    if (hadFocus) (next?.querySelector("button") || this.heading).focus();
  }

  say(text) {
    this.status.textContent = text;
    this.status.hidden = !text;
  }
}
