// The chat list: most recently active first, with previews, times and unread badges.
import { attachmentLabel } from "./attachments.js";
import { avatar } from "./avatars.js";
import { el, formatFull, formatListTime } from "./dom.js";
import { systemText } from "./groups.js";
import { t } from "./i18n.js";
import { people } from "./people.js";

export function peerOf(chat, me) {
  if (isGroup(chat)) return {};
  return chat.peer || chat.members?.find((user) => user.id !== me.id) || chat.members?.[0] || {};
}

export function isGroup(chat) {
  return chat?.kind === "group";
}

/** What a chat is called: a group's title, else the peer's name. */
export function chatName(chat, me) {
  return isGroup(chat) ? chat.title || "" : peerOf(chat, me).display_name || "";
}

/** A chat's face: the peer's avatar, or one drawn from a group's title (its colour stays the
 * chat's own through renames). */
export function chatFace(chat, me, size = "md") {
  if (!isGroup(chat)) {
    const peer = peerOf(chat, me);
    const face = avatar(peer, size);
    face.classList.toggle("is-online", Boolean(peer.online));
    return face;
  }
  const face = avatar({ id: chat.id, display_name: chat.title }, size);
  face.classList.add("avatar--group");
  return face;
}

const SVG = "http://www.w3.org/2000/svg";

/** A bell struck through: the chat is muted. */
function mutedIcon() {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "14");
  svg.setAttribute("height", "14");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("fill", "currentColor");
  path.setAttribute(
    "d",
    "M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2Zm6-6v-5c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 0 0-3 0v.7c-.6.1-1.1.4-1.6.7L18 16.5V16ZM3.3 2.3 2 3.6l4.3 4.3A7 7 0 0 0 6 11v5l-2 2v1h13.4l3 3 1.3-1.3z",
  );
  svg.append(path);
  return svg;
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
    this.touched = null;
    root.addEventListener("keydown", (event) => this.keydown(event));
    // A sender or a system message's people got their names: previews say them.
    people.subscribe(() => this.render());
  }

  get(id) {
    return this.chats.get(id);
  }

  /** A full list is being asked for: chats fetched one by one meanwhile are newer than it. */
  beginLoad() {
    this.touched = new Set();
  }

  /**
   * Replace everything with the server's list (after load and after every reconnect). Merged
   * into the objects we hold (the open chat shares them); a chat the list no longer has (one
   * left or was removed from while away) goes, unless it was fetched since the list was asked
   * for. Returns the chats that went.
   */
  setAll(chats) {
    const listed = new Set(chats.map((chat) => chat.id));
    const gone = [...this.chats.values()].filter((chat) => !listed.has(chat.id) && !this.touched?.has(chat.id));
    for (const chat of gone) this.chats.delete(chat.id);
    for (const chat of chats) {
      const known = this.chats.get(chat.id);
      this.chats.set(chat.id, known ? Object.assign(known, chat) : chat);
      people.remember(chat.members);
    }
    this.touched = null;
    this.loaded = true;
    this.render();
    return gone;
  }

  upsert(chat) {
    const known = this.chats.get(chat.id);
    this.chats.set(chat.id, known ? Object.assign(known, chat) : chat);
    this.touched?.add(chat.id);
    people.remember(chat.members);
    this.render();
    return this.chats.get(chat.id);
  }

  /** The chat left the list (one left it or was removed); whether it was there. */
  remove(id) {
    if (!this.chats.delete(id)) return false;
    this.touched?.delete(id);
    this.render();
    return true;
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

  /** Unread messages in the chats that are not muted (the page's title counts them). */
  totalUnread() {
    let total = 0;
    for (const chat of this.chats.values()) if (!chat.muted) total += chat.unread_count || 0;
    return total;
  }

  /** The chat's draft changed (here or on another device): `draft` is {content, updated_at}
   * or null. */
  setDraft(id, draft) {
    const chat = this.chats.get(id);
    if (!chat) return;
    const content = draft?.content || "";
    if ((chat.draft?.content || "") === content) return;
    chat.draft = content ? draft : null;
    this.render();
  }

  /** The chats as the list shows them: the most recently active first. */
  ordered() {
    return [...this.chats.values()].sort((a, b) => activity(b) - activity(a));
  }

  render() {
    const ordered = this.ordered();
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
    const group = isGroup(chat);
    const peer = peerOf(chat, this.me);
    const last = chat.last_message;
    const unread = chat.unread_count || 0;
    const name = chatName(chat, this.me);
    const preview = last ? previewText(last, this.me, chat) : t("no_messages");
    // The open chat's draft is in its composer; the others' say so in their line.
    const draft = this.activeId === chat.id ? "" : (chat.draft?.content || "").replace(/\s+/g, " ").trim().slice(0, 120);
    const muted = Boolean(chat.muted);
    const key = JSON.stringify([
      chat.kind, name, peer.avatar_url, peer.online, last?.id, last?.deleted, preview, unread,
      this.activeId === chat.id, chat.typing, draft, muted,
    ]);
    if (link.dataset.key === key) return;
    link.dataset.key = key;
    link.dataset.chatKind = group ? "group" : "direct";
    const time = last ? new Date(last.created_at) : null;
    const badge = el("span", {
      class: "badge",
      dataset: { unread: String(unread) },
      text: unread > 99 ? "99+" : String(unread),
      hidden: unread === 0,
      "aria-label": t("unread_count", { count: unread }),
    });
    link.replaceChildren(
      chatFace(chat, this.me),
      el(
        "span",
        { class: "chat-link__body" },
        el(
          "span",
          { class: "chat-link__top" },
          el(
            "span",
            { class: "chat-link__name" },
            group ? el("span", { class: "visually-hidden", text: `${t("group")}: ` }) : null,
            name,
            muted
              ? el(
                  "span",
                  { class: "chat-link__muted", title: t("muted"), dataset: { muted: "true" } },
                  mutedIcon(),
                  el("span", { class: "visually-hidden", text: ` (${t("muted")})` }),
                )
              : null,
          ),
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
            ? el("span", { class: "chat-link__preview is-typing", text: chat.typing })
            : draft
              ? el(
                  "span",
                  { class: "chat-link__preview", dataset: { draft: "" } },
                  el("span", { class: "chat-link__draft", text: t("draft_prefix") }),
                  ` ${draft}`,
                )
              : el("span", { class: `chat-link__preview${last?.deleted ? " is-deleted" : ""}`, text: preview }),
          badge,
        ),
      ),
    );
    link.toggleAttribute("aria-current", this.activeId === chat.id);
    if (this.activeId === chat.id) link.setAttribute("aria-current", "page");
    link.classList.toggle("has-unread", unread > 0);
    link.classList.toggle("is-muted", muted);
  }

  /** Redraw every row (times like "14:05" become "Tue" as days pass). */
  refresh() {
    for (const item of this.items.values()) delete item.firstChild.dataset.key;
    this.render();
  }

  /** Who types in a chat, in words ("typing…", "Ann is typing…"); "" when nobody does. */
  showTyping(chatId, text) {
    const chat = this.chats.get(chatId);
    if (!chat || (chat.typing || "") === text) return;
    chat.typing = text;
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

/** A message in a line: system messages as their sentence, senders named in groups. */
export function previewText(message, me, chat = null) {
  if (message.kind === "system") return systemText(message.system, (id) => people.nameOf(id));
  if (message.deleted) return t("message_deleted");
  const text =
    message.content.replace(/\s+/g, " ").trim().slice(0, 120) ||
    (message.attachments?.length ? attachmentLabel(message.attachments) : "");
  if (message.sender_id === me.id) return t("you_prefix", { text });
  if (!isGroup(chat)) return text;
  const name = people.nameOf(message.sender_id);
  return name === null ? text : t("sender_prefix", { name: name || t("someone"), text });
}
