// What the chat pane shows around its message list: which of pane, placeholder and "missing"
// is up, the header (peer or group, presence or members, typing, the chat menu, the group's
// Members button), the pinned message above the messages, the bar that stands in for a
// composer one cannot use, the empty-chat hint, the jump-to-newest button, a message's actions
// menu (or its reaction picker) and the notice that says what went wrong (or went well) for a
// few seconds.
import { el } from "./dom.js";
import { errorText, t } from "./i18n.js";
import { ChatMenu, menuKeys } from "./safety.js";

export class ChatView {
  /**
   * `messages` is the MessageView; `onUnblock()`, `onChatAction(action)`, `onMembers()` (the
   * group's Members button), `onPinned()` (the pinned message pressed) and `onUnpin()` are the
   * user's.
   */
  constructor(root, messages, { onUnblock, onChatAction, onMembers, onPinned, onUnpin }) {
    this.messages = messages;
    this.menu = null;
    this.pane = root.querySelector(".conversation__pane");
    this.placeholder = root.querySelector(".conversation__placeholder");
    this.missing = root.querySelector(".conversation__missing");
    this.header = root.querySelector(".conv-header");
    this.headerAvatar = root.querySelector(".conv-header__avatar");
    this.headerName = root.querySelector(".conv-header__name");
    this.presenceText = root.querySelector(".conv-header__presence");
    this.typingNode = root.querySelector("[data-typing]");
    this.membersButton = root.querySelector(".conv-members");
    this.membersButton.addEventListener("click", () => onMembers());
    this.pinned = root.querySelector(".pinned");
    this.pinnedText = root.querySelector(".pinned__text");
    this.unpinButton = root.querySelector(".pinned__unpin");
    root.querySelector(".pinned__show").addEventListener("click", () => onPinned());
    this.unpinButton.addEventListener("click", () => onUnpin());
    this.notice = root.querySelector(".conv-notice");
    this.empty = root.querySelector(".conv-empty");
    this.jump = root.querySelector(".jump");
    this.blockedBar = root.querySelector(".composer-blocked");
    this.blockedText = root.querySelector(".composer-blocked__text");
    this.unblockButton = root.querySelector(".composer-blocked__unblock");
    this.unblockButton.addEventListener("click", () => onUnblock());
    this.chatMenu = new ChatMenu(root.querySelector(".conv-menu"), { onAction: onChatAction });

    messages.list.addEventListener("scroll", () => {
      if (messages.nearBottom()) this.jump.hidden = true;
    });
    this.jump.addEventListener("click", () => {
      messages.scrollToBottom();
      this.jump.hidden = true;
    });
    document.addEventListener("click", (event) => {
      if (!event.target.closest?.(".msg__menu, .msg__picker, .msg__actions")) this.closeMenu();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.menu) {
        const owner = this.menu.record;
        this.closeMenu();
        owner.actions?.focus();
      }
    });
  }

  // --- which part is up ----------------------------------------------------------------------

  showPane() {
    this.placeholder.hidden = true;
    this.missing.hidden = true;
    this.pane.hidden = false;
  }

  showPlaceholder() {
    this.pane.hidden = true;
    this.missing.hidden = true;
    this.placeholder.hidden = false;
  }

  showMissing() {
    this.pane.hidden = true;
    this.missing.hidden = false;
  }

  /** The chat is no longer open: nothing that belongs to it stays up. */
  clear() {
    this.closeMenu();
    this.chatMenu.close({ focus: false });
    this.jump.hidden = true;
    this.notice.hidden = true;
  }

  // --- the header and what stands in for the composer ---------------------------------------

  /**
   * `kind`: direct or group; `face`: the avatar element; `status`: presence or the member
   * count; `typing`: who types, in words ("" for nobody); `menu`: whether the chat menu (block,
   * report) applies, `blocked` which of Block and Unblock it offers.
   */
  renderHeader({ kind, face, name, online, status, typing, blocked, menu, muted }) {
    this.header.dataset.chatKind = kind;
    this.headerAvatar.replaceChildren(face);
    if (this.headerName.textContent !== name) this.headerName.textContent = name;
    this.header.dataset.presence = online ? "online" : "offline";
    if (this.presenceText.textContent !== status) this.presenceText.textContent = status;
    this.showTyping(typing);
    this.chatMenu.render({ blocked, available: menu, muted, direct: kind === "direct" });
    this.membersButton.hidden = kind !== "group";
  }

  /** Who types, in words; "" hides the line. */
  showTyping(text) {
    this.typingNode.hidden = !text;
    if (text && this.typingNode.textContent !== text) this.typingNode.textContent = text;
  }

  /** Why there is no composer (`text`, empty when there is one); Unblock when it is our block. */
  renderBlocked(text, blocked) {
    this.blockedBar.hidden = !text;
    if (this.blockedText.textContent !== text) this.blockedText.textContent = text;
    this.unblockButton.hidden = !blocked;
  }

  /** The pinned message (`text`: what it says; null: none), with Unpin where it is allowed. */
  renderPinned({ id = null, text = "", canUnpin = false } = {}) {
    if (!id) {
      this.pinned.hidden = true;
      delete this.pinned.dataset.pinned;
      return;
    }
    this.pinned.dataset.pinned = id;
    if (this.pinnedText.textContent !== text) this.pinnedText.textContent = text;
    this.unpinButton.hidden = !canUnpin;
    this.pinned.hidden = false;
  }

  // --- the message list's surroundings ------------------------------------------------------

  showEmpty(shown) {
    this.empty.hidden = !shown;
  }

  /** A message came in below the screen: offer to jump to it. */
  offerJump() {
    this.jump.hidden = false;
  }

  /** The actions menu of `record`: `items` are `{ text, action, danger }`; again closes it. */
  toggleMenu(record, items) {
    const same = this.menu?.record === record;
    this.closeMenu();
    if (same || !record.id || record.deleted) return;
    const buttons = items.map(({ text, action, danger = false }) => {
      const button = el("button", { type: "button", role: "menuitem", class: danger ? "is-danger" : null, text });
      button.addEventListener("click", () => {
        this.closeMenu();
        action();
      });
      return button;
    });
    const menu = el("div", { class: "msg__menu", role: "menu", "aria-label": t("message_actions") }, ...buttons);
    menu.addEventListener("keydown", (event) => menuKeys(menu, event));
    this.openPopup(record, menu, buttons[0]);
  }

  /** The reaction picker of `record` (reactions.js `emojiPicker`), where its menu was. */
  openPicker(record, { node, first }) {
    this.closeMenu();
    if (!record.id || record.deleted || !record.el?.isConnected) return;
    this.openPopup(record, node, first);
  }

  /** Show `node` (a menu or the picker) under `record`'s actions button; `first` gets the focus. */
  openPopup(record, node, first) {
    node.record = record;
    record.el.append(node);
    record.actions.setAttribute("aria-expanded", "true");
    this.menu = node;
    first.focus({ preventScroll: true });
    node.scrollIntoView({ block: "nearest" });
  }

  /** Close the open menu or picker; `focus` gives the focus back to its actions button. */
  closeFor(record, { focus = true } = {}) {
    if (this.menu?.record !== record) return;
    this.closeMenu();
    if (focus && record.actions?.isConnected) record.actions.focus();
  }

  closeMenu() {
    if (!this.menu) return;
    this.menu.record.actions?.setAttribute("aria-expanded", "false");
    this.menu.remove();
    this.menu = null;
  }

  // --- the notice ---------------------------------------------------------------------------

  /** What went wrong, for a few seconds (`code`: the API's error code). */
  say(code) {
    this.show(errorText({ code }), false);
  }

  /** Good news, for a few seconds. */
  tell(text) {
    this.show(text, true);
  }

  show(text, ok) {
    this.notice.textContent = text;
    this.notice.classList.toggle("is-ok", ok);
    this.notice.hidden = false;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => {
      this.notice.hidden = true;
    }, 6000);
  }
}
