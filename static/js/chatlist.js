// The chat list: most recently active first, with previews, times and unread badges.
import { avatar } from "./avatars.js";
import { el, formatFull, formatListTime } from "./dom.js";
import { t } from "./i18n.js";

export function peerOf(chat, me) {
  return chat.peer || chat.members?.find((user) => user.id !== me.id) || chat.members?.[0] || {};
}

function activity(chat) {
  return Date.parse(chat.last_message?.created_at || chat.updated_at || chat.created_at) || 0;
}

export class ChatList {
  constructor(root, { me, onOpen }) {
    this.root = root;
    this.me = me;
    this.onOpen = onOpen;
    this.chats = new Map();
    this.items = new Map();
    this.activeId = null;
    this.loaded = false;
    root.addEventListener("keydown", (event) => this.keydown(event));
  }

  get(id) {
    return this.chats.get(id);
  }

  /** Replace everything with the server's list (after load and after every reconnect). */
  setAll(chats) {
    // Merged into the objects we hold (the open chat shares them); chats are never removed.
    for (const chat of chats) {
      const known = this.chats.get(chat.id);
      this.chats.set(chat.id, known ? Object.assign(known, chat) : chat);
    }
    this.loaded = true;
    this.render();
  }

  upsert(chat) {
    const known = this.chats.get(chat.id);
    this.chats.set(chat.id, known ? Object.assign(known, chat) : chat);
    this.render();
    return this.chats.get(chat.id);
  }

  /** A message arrived or changed; `counts` says whether it adds to the unread badge. */
  noteMessage(message, { counts }) {
    const chat = this.chats.get(message.chat_id);
    if (!chat) return false;
    const last = chat.last_message;
    if (!last || message.seq >= last.seq) {
      const isNew = !last || message.seq > last.seq;
      chat.last_message = message;
      if (isNew) {
        chat.updated_at = message.created_at;
        if (counts) chat.unread_count = (chat.unread_count || 0) + 1;
      }
    }
    this.render();
    return true;
  }

  setUnread(id, count) {
    const chat = this.chats.get(id);
    if (!chat) return;
    chat.unread_count = count;
    this.render();
  }

  setActive(id) {
    this.activeId = id;
    this.render();
  }

  updateUser(userId, changes) {
    let changed = false;
    for (const chat of this.chats.values()) {
      for (const user of [chat.peer, ...(chat.members || [])]) {
        if (user?.id === userId) {
          Object.assign(user, changes);
          changed = true;
        }
      }
    }
    if (changed) this.render();
  }

  totalUnread() {
    let total = 0;
    for (const chat of this.chats.values()) total += chat.unread_count || 0;
    return total;
  }

  render() {
    const ordered = [...this.chats.values()].sort((a, b) => activity(b) - activity(a));
    for (const [id, item] of this.items) {
      if (!this.chats.has(id)) {
        item.remove();
        this.items.delete(id);
      }
    }
    let previous = null;
    for (const chat of ordered) {
      let item = this.items.get(chat.id);
      if (!item) {
        item = this.build(chat);
        this.items.set(chat.id, item);
      }
      this.fill(item, chat);
      const wanted = previous ? previous.nextSibling : this.root.firstChild;
      if (wanted !== item) this.root.insertBefore(item, wanted);
      previous = item;
    }
    this.root.dataset.empty = String(ordered.length === 0 && this.loaded);
  }

  build(chat) {
    const link = el("a", {
      class: "chat-link",
      href: `/chats/${chat.id}/`,
      dataset: { chatId: chat.id },
    });
    link.addEventListener("click", (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      this.onOpen(chat.id);
    });
    return el("li", { class: "chat-item" }, link);
  }

  fill(item, chat) {
    const link = item.firstChild;
    const peer = peerOf(chat, this.me);
    const last = chat.last_message;
    const unread = chat.unread_count || 0;
    const key = JSON.stringify([
      peer.display_name, peer.avatar_url, peer.online, last?.id, last?.content, last?.deleted,
      last?.edited_at, unread, this.activeId === chat.id, chat.typing,
    ]);
    if (link.dataset.key === key) return;
    link.dataset.key = key;
    const preview = last ? previewText(last, this.me) : t("no_messages");
    const time = last ? new Date(last.created_at) : null;
    const badge = el("span", {
      class: "badge",
      dataset: { unread: String(unread) },
      text: unread > 99 ? "99+" : String(unread),
      hidden: unread === 0,
      "aria-label": t("unread_count", { count: unread }),
    });
    const face = avatar(peer);
    face.classList.toggle("is-online", Boolean(peer.online));
    link.replaceChildren(
      face,
      el(
        "span",
        { class: "chat-link__body" },
        el(
          "span",
          { class: "chat-link__top" },
          el("span", { class: "chat-link__name", text: peer.display_name || "" }),
          time
            ? el("time", {
                class: "chat-link__time",
                datetime: last.created_at,
                title: formatFull(time),
                text: formatListTime(time),
              })
            : null,
        ),
        el(
          "span",
          { class: "chat-link__bottom" },
          chat.typing
            ? el("span", { class: "chat-link__preview is-typing", text: t("typing") })
            : el("span", { class: `chat-link__preview${last?.deleted ? " is-deleted" : ""}`, text: preview }),
          badge,
        ),
      ),
    );
    link.toggleAttribute("aria-current", this.activeId === chat.id);
    if (this.activeId === chat.id) link.setAttribute("aria-current", "page");
    link.classList.toggle("has-unread", unread > 0);
  }

  /** Redraw every row (times like "14:05" become "Tue" as days pass). */
  refresh() {
    for (const item of this.items.values()) delete item.firstChild.dataset.key;
    this.render();
  }

  showTyping(chatId, on) {
    const chat = this.chats.get(chatId);
    if (!chat || Boolean(chat.typing) === on) return;
    chat.typing = on;
    this.render();
  }

  keydown(event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const links = [...this.root.querySelectorAll(".chat-link")];
    const index = links.indexOf(document.activeElement);
    if (index === -1) return;
    event.preventDefault();
    const next = links[index + (event.key === "ArrowDown" ? 1 : -1)];
    next?.focus();
  }
}

export function previewText(message, me) {
  if (message.deleted) return t("message_deleted");
  const text = message.content.replace(/\s+/g, " ").trim().slice(0, 120);
  return message.sender_id === me.id ? t("you_prefix", { text }) : text;
}
