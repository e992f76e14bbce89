// The profile page's list of the people one blocks (the store in blocks.js), each with a button
// that unblocks them.
import { avatar } from "./avatars.js";
import { el } from "./dom.js";
import { errorText, t } from "./i18n.js";

export class BlockedList {
  /** `store` is the page's BlockStore (blocks.js); the list follows it. */
  constructor(root, store) {
    this.store = store;
    this.heading = root.querySelector("h2");
    this.list = root.querySelector(".blocked");
    this.status = root.querySelector(".sessions__status");
    this.none = root.querySelector(".sessions__none");
    this.rows = new Map(); // user id → row
    this.unsubscribe = store.subscribe(() => this.render());
    if (store.loaded) this.render();
  }

  /** Rows for the store's people: kept while unchanged, the keyboard focus kept in the list. */
  render() {
    const users = this.store.users;
    const wanted = new Set(users.map((user) => user.id));
    for (const [id, row] of this.rows) {
      if (!wanted.has(id)) this.removeRow(row);
    }
    let previous = null;
    for (const user of users) {
      const row = this.rowFor(user);
      const slot = previous ? previous.nextSibling : this.list.firstChild;
      if (slot !== row) this.list.insertBefore(row, slot);
      previous = row;
    }
    this.list.removeAttribute("aria-busy");
    this.none.hidden = users.length > 0;
  }

  /** The row of `user`, built anew when what it shows has changed. */
  rowFor(user) {
    const key = JSON.stringify([user.display_name, user.username, user.avatar_url]);
    const known = this.rows.get(user.id);
    if (known?.dataset.key === key) return known;
    const row = this.row(user);
    row.dataset.key = key;
    this.rows.set(user.id, row);
    if (known) {
      const hadFocus = known.contains(document.activeElement);
      known.replaceWith(row);
      if (hadFocus) row.querySelector("button").focus();
    }
    return row;
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
    button.addEventListener("click", () => this.unblock(user, button));
    return item;
  }

  /** Take a row out, moving the keyboard focus to the next row (or the heading) if it had it. */
  removeRow(row) {
    const next = row.nextElementSibling || row.previousElementSibling;
    const hadFocus = row.contains(document.activeElement);
    row.remove();
    this.rows.delete(row.dataset.userId);
    if (hadFocus) (next?.querySelector("button") || this.heading).focus();
  }

  async unblock(user, button) {
    button.disabled = true;
    try {
      await this.store.unblock(user.id);
    } catch (error) {
      button.disabled = false;
      if (error.status !== 401) this.say(errorText(error));
      return;
    }
    this.say(t("unblocked", { name: user.display_name }));
  }

  say(text) {
    this.status.textContent = text;
    this.status.hidden = !text;
  }
}
