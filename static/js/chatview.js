// What the chat pane shows around its message list: which of pane, placeholder and "missing"
// is up, the header (peer, presence, typing, the chat menu), the bar that stands in for a
// composer one cannot use, the empty-chat hint, the jump-to-newest button, a message's actions
// menu and the notice that says what went wrong (or went well) for a few seconds.
import { avatar } from "./avatars.js";
import { el, formatPresence } from "./dom.js";
import { errorText, t } from "./i18n.js";
import { ChatMenu, menuKeys } from "./safety.js";

export class ChatView {
  /** `messages` is the MessageView; `onUnblock()` and `onChatAction(action)` are the user's. */
  constructor(root, messages, { onUnblock, onChatAction }) {
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
      if (!event.target.closest?.(".msg__menu, .msg__actions")) this.closeMenu();
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

  renderHeader(peer, { typing, blocked }) {
    const face = avatar(peer, "sm");
    face.classList.toggle("is-online", Boolean(peer.online));
    this.headerAvatar.replaceChildren(face);
    this.headerName.textContent = peer.display_name || "";
    this.header.dataset.presence = peer.online ? "online" : "offline";
    this.presenceText.textContent = peer.id ? formatPresence(peer) : "";
    this.showTyping(typing);
    this.chatMenu.render({ blocked, available: Boolean(peer.id) });
  }

  showTyping(typing) {
    this.typingNode.hidden = !typing;
  }

  /** Why there is no composer (`text`, empty when there is one); Unblock when it is our block. */
  renderBlocked(text, blocked) {
    this.blockedBar.hidden = !text;
    if (this.blockedText.textContent !== text) this.blockedText.textContent = text;
    this.unblockButton.hidden = !blocked;
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
    menu.record = record;
    record.el.append(menu);
    record.actions.setAttribute("aria-expanded", "true");
    this.menu = menu;
    buttons[0].focus();
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
