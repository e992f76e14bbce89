// A group's member list, in a modal: each member with their role and what the caller's role
// allows (owner: anything to anyone; admin: remove plain members), renaming the group (owner
// and admins), "Add members" and "Leave group". It redraws whenever the open chat's member
// list comes again (chat.updated).
import { api } from "./api.js";
import { avatar } from "./avatars.js";
import { codePoints, el, formatPresence } from "./dom.js";
import { systemText } from "./groups.js";
import { errorText, plural, t } from "./i18n.js";
import { people } from "./people.js";

export class MembersDialog {
  /**
   * `onAdd(state)` opens "Add members"; `onLeft(chatId)` hears that one left; `onChanged(state)`
   * that the members changed here (their list is to be read again); `onRenamed(chat)` that the
   * group has a new title (the chat as the server answered).
   */
  constructor(dialog, { me, onAdd, onLeft, onChanged, onRenamed }) {
    this.dialog = dialog;
    this.me = me;
    this.onAdd = onAdd;
    this.onLeft = onLeft;
    this.onChanged = onChanged;
    this.onRenamed = onRenamed;
    this.state = null;
    this.busy = false;
    this.returnFocus = null;
    this.count = dialog.querySelector(".members__count");
    this.list = dialog.querySelector(".members__list");
    this.status = dialog.querySelector(".members__status");
    this.error = dialog.querySelector(".members__error");
    this.addButton = dialog.querySelector(".members__add");
    this.leaveButton = dialog.querySelector(".members__leave");
    this.renameForm = dialog.querySelector(".members__rename");
    this.renameField = this.renameForm.elements.rename;
    this.renameForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.rename();
    });

    dialog.querySelector(".members__close").addEventListener("click", () => this.close());
    dialog.addEventListener("close", () => {
      this.state = null;
      this.returnFocus?.focus?.();
      this.returnFocus = null;
    });
    this.addButton.addEventListener("click", () => {
      const state = this.state;
      if (!state) return;
      this.close({ focus: false });
      this.onAdd(state);
    });
    this.leaveButton.addEventListener("click", () => this.act("leave", this.me.id));
  }

  get isOpen() {
    return this.dialog.open;
  }

  /** Show the members of `state`'s group (what is known now; more when it comes); closing
   * it gives the focus to `opener` (the header's Members button). */
  open(state, opener) {
    this.returnFocus = opener;
    this.state = state;
    this.status.textContent = "";
    this.say("");
    this.renameField.value = state.chat.title || "";
    this.render();
    if (!this.dialog.open) this.dialog.showModal();
  }

  close({ focus = true } = {}) {
    if (!focus) this.returnFocus = null;
    if (this.dialog.open) this.dialog.close();
  }

  /** The chat is gone for us: the list goes too. */
  closeFor(chatId) {
    if (this.state?.chat.id === chatId) this.close({ focus: false });
  }

  /** The member list of `state` came again. */
  update(state) {
    if (this.isOpen && this.state === state) this.render();
  }

  /** My role now: the member list's word, else the chat's. */
  myRole() {
    const mine = this.state?.members?.find((member) => member.user.id === this.me.id);
    return mine?.role || this.state?.chat.role || "member";
  }

  render() {
    const state = this.state;
    if (!state) return;
    const members = state.members;
    const role = this.myRole();
    const count = members?.length ?? state.chat.member_count ?? 0;
    this.count.textContent = plural("members", count);
    const manages = role === "owner" || role === "admin";
    this.addButton.hidden = !manages;
    this.renameForm.hidden = !manages;
    // Renamed meanwhile (here or elsewhere): the field says so, unless one is typing in it.
    if (document.activeElement !== this.renameField) this.renameField.value = state.chat.title || "";
    this.list.setAttribute("aria-busy", String(!members));
    if (!members) {
      this.list.replaceChildren(el("li", { class: "members__loading", text: t("loading") }));
      return;
    }
    // A redraw keeps the focus where it was (the same button of the same member).
    const focused = document.activeElement;
    const focusKey = this.list.contains(focused) ? focused.dataset.focusKey : null;
    this.list.replaceChildren(...members.map((member) => this.row(member, role)));
    if (focusKey) this.list.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
  }

  row(member, myRole) {
    const user = member.user;
    const mine = user.id === this.me.id;
    const nameId = `member-name-${user.id}`;
    const roleText = member.role === "owner" ? t("role_owner") : member.role === "admin" ? t("role_admin") : "";
    const buttons = [];
    const button = (text, action, danger = false) => {
      const node = el("button", {
        type: "button",
        class: `button button--small ${danger ? "button--danger-ghost" : "button--ghost"}`,
        text,
        "aria-describedby": nameId,
        dataset: { focusKey: `${user.id}:${action}` },
      });
      node.addEventListener("click", () => this.act(action, user.id));
      buttons.push(node);
    };
    if (!mine && myRole === "owner") {
      if (member.role === "member") button(t("make_admin"), "admin");
      if (member.role === "admin") button(t("revoke_admin"), "member");
      button(t("make_owner"), "owner");
    }
    if (!mine && (myRole === "owner" || (myRole === "admin" && member.role === "member"))) {
      button(t("remove"), "remove", true);
    }
    return el(
      "li",
      { class: "member", tabindex: "-1", dataset: { memberId: user.id, role: member.role, focusKey: `${user.id}:row` } },
      avatar(user, "sm"),
      el(
        "div",
        { class: "member__body" },
        el(
          "span",
          { class: "member__name", id: nameId, dir: "auto" },
          user.display_name || t("someone"),
          mine ? el("span", { class: "member__you", text: ` (${t("you")})` }) : null,
        ),
        el(
          "span",
          { class: "member__meta" },
          roleText ? el("span", { class: `tag member__role member__role--${member.role}`, text: roleText }) : null,
          el("span", { text: mine ? "" : formatPresence(user) }),
        ),
      ),
      buttons.length ? el("div", { class: "member__actions" }, ...buttons) : null,
    );
  }

  async act(action, userId) {
    const state = this.state;
    if (!state || this.busy) return;
    const chatId = state.chat.id;
    this.busy = true;
    this.say("");
    this.list.setAttribute("aria-busy", "true");
    try {
      if (action === "remove" || action === "leave") {
        await api.delete(`/api/chats/${chatId}/members/${userId}`);
      } else {
        await api.patch(`/api/chats/${chatId}/members/${userId}`, { role: action });
      }
    } catch (error) {
      if (this.state === state && error.status !== 401) this.say(errorText(error));
      return;
    } finally {
      this.busy = false;
      this.list.setAttribute("aria-busy", "false");
    }
    if (action === "leave") {
      this.close({ focus: false });
      this.onLeft(chatId);
      return;
    }
    // What the server did, at once; the list read again confirms it.
    this.apply(state, action, userId);
    if (this.state === state) {
      this.render();
      this.status.textContent = this.sentence(action, userId);
      if (action === "remove") this.list.querySelector(".member button, .member")?.focus();
    }
    this.onChanged(state);
  }

  async rename() {
    const state = this.state;
    const title = this.renameField.value;
    if (!state || this.busy) return;
    this.say("");
    if (!title.trim()) return this.sayAt(t("title_needed"));
    if (codePoints(title) > 128) return this.sayAt(t("title_too_long"));
    if (title === state.chat.title) return;
    this.busy = true;
    let chat;
    try {
      ({ data: chat } = await api.patch(`/api/chats/${state.chat.id}`, { title }));
    } catch (error) {
      if (this.state === state && error.status !== 401) {
        this.sayAt(error.code === "validation_error" ? t("title_needed") : errorText(error));
      }
      return;
    } finally {
      this.busy = false;
    }
    this.onRenamed(chat);
    if (this.state === state) {
      const system = { event: "title_changed", actor_id: this.me.id, title: chat.title };
      this.status.textContent = systemText(system, () => this.me.display_name);
    }
  }

  /** A rename was refused: why, and the field to fix. */
  sayAt(text) {
    this.say(text);
    this.renameField.focus();
  }

  apply(state, action, userId) {
    if (!state.members) return;
    if (action === "remove") {
      state.setMembers(state.members.filter((member) => member.user.id !== userId));
      return;
    }
    for (const member of state.members) {
      if (member.user.id === userId) member.role = action;
      else if (action === "owner" && member.role === "owner") member.role = "admin";
    }
  }

  /** What just happened, in the words of the system message it made. */
  sentence(action, userId) {
    const event = action === "remove" ? "member_removed" : action === "owner" ? "owner_changed" : "role_changed";
    const system = { event, actor_id: this.me.id, user_ids: [userId], role: action };
    return systemText(system, (id) => (id === this.me.id ? this.me.display_name : people.nameOf(id)));
  }

  say(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }
}
