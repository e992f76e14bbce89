// One chat's messages: the ordered records (stored ones by seq, unsent ones after them) and
// their elements in the message list, with day separators between days. In a group, messages
// from others carry their sender's name and face, and system messages read as a sentence. A
// reply shows the message it answers (a button that goes to it), a forward the name of the
// original author, and reactions sit under the bubble as chips. Attachments sit above the text
// (attachments.js), which is then their caption.
import { attachmentLabel, renderAttachments } from "./attachments.js";
import { avatar } from "./avatars.js";
import { dayKey, el, formatDay, formatFull, formatTime, linkify } from "./dom.js";
import { systemText } from "./groups.js";
import { t } from "./i18n.js";
import { people } from "./people.js";
import { renderReactions } from "./reactions.js";

const QUOTE_LENGTH = 200; // characters of the original that a reply carries (as the server)

let pendingOrder = 0;

function compare(a, b) {
  if (a.seq && b.seq) return a.seq - b.seq;
  if (a.seq) return -1;
  if (b.seq) return 1;
  return a.order - b.order;
}

const FIELDS = [
  "id", "chat_id", "seq", "kind", "sender_id", "content", "client_id", "created_at", "edited_at", "deleted",
  "is_read", "system", "reply_to", "forwarded_from", "reactions", "attachments",
];

const nameOf = (id) => people.nameOf(id);

export class ChatState {
  constructor(chat, meId) {
    this.chat = chat;
    this.meId = meId;
    this.records = [];
    this.byId = new Map();
    this.byClient = new Map();
    this.loaded = false;
    this.loading = null;
    this.arrivedWhileLoading = false;
    this.hasMore = false;
    this.olderLoading = null;
    this.syncing = null;
    this.syncAgain = false;
    this.draft = "";
    // A group's other members: their roles and read seqs (GET /api/chats/{id}/members), kept
    // up by chat.read; null until the list has come.
    this.members = null;
    this.reads = null; // user id → last_read_seq, members other than oneself
  }

  get isGroup() {
    return this.chat.kind === "group";
  }

  /** The group's member list as the server gave it (reads follow it, never moving back). */
  setMembers(members) {
    const before = this.reads;
    this.members = members;
    this.reads = new Map();
    for (const member of members) {
      if (member.user.id === this.meId) continue;
      this.reads.set(member.user.id, Math.max(member.last_read_seq, before?.get(member.user.id) || 0));
    }
  }

  /** Someone read up to `seq` (chat.read); whether it changed what we know. */
  noteRead(userId, seq) {
    if (!this.reads?.has(userId) || this.reads.get(userId) >= seq) return false;
    this.reads.set(userId, seq);
    return true;
  }

  /** Every other member of the group has read up to `seq`. */
  readByAll(seq) {
    if (!this.reads?.size) return false;
    for (const read of this.reads.values()) if (read < seq) return false;
    return true;
  }

  get lastSeq() {
    for (let i = this.records.length - 1; i >= 0; i -= 1) {
      if (this.records[i].seq) return this.records[i].seq;
    }
    return 0;
  }

  get firstSeq() {
    return this.records.find((record) => record.seq)?.seq || 0;
  }

  find(message) {
    const known = this.byId.get(message.id);
    if (known) return known;
    if (message.client_id && message.sender_id === this.meId) {
      return this.byClient.get(message.client_id) || null;
    }
    return null;
  }

  /** A message from the server: the record it updates, or a new one (with `created`). */
  upsert(message) {
    let record = this.find(message);
    if (record) {
      if (record.deleted && !message.deleted) return { record, created: false };
      for (const name of FIELDS) record[name] = message[name];
      record.date = new Date(message.created_at);
      this.byId.set(message.id, record);
      return { record, created: false };
    }
    // A system message names its actor as the sender: it is nobody's own message.
    record = { own: message.sender_id === this.meId && message.kind !== "system", order: 0, el: null, sep: null };
    for (const name of FIELDS) record[name] = message[name];
    record.date = new Date(message.created_at);
    this.byId.set(message.id, record);
    if (record.own && record.client_id) this.byClient.set(record.client_id, record);
    return { record, created: true };
  }

  /** A message typed here and not yet stored (`replyTo`: the record it answers, or null;
   * `attachments`: the uploads it carries). */
  pending({ clientId, content, replyTo = null, attachments = [] }) {
    pendingOrder += 1;
    const record = {
      own: true,
      order: pendingOrder,
      id: null,
      seq: null,
      kind: "text",
      system: null,
      chat_id: this.chat.id,
      sender_id: this.meId,
      client_id: clientId,
      content,
      created_at: new Date().toISOString(),
      date: new Date(),
      edited_at: null,
      deleted: false,
      is_read: false,
      reply_to: replyTo ? quoteOf(replyTo) : null,
      reply_to_id: replyTo?.id || null,
      forwarded_from: null,
      reactions: [],
      attachments,
      attachment_ids: attachments.map((item) => item.id),
      status: "sending",
      el: null,
      sep: null,
    };
    this.byClient.set(clientId, record);
    return record;
  }

  /** Where `record` belongs in `records` (binary search on the order above). */
  slot(record) {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compare(this.records[middle], record) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  isInOrder(index) {
    const record = this.records[index];
    const before = this.records[index - 1];
    const after = this.records[index + 1];
    return (!before || compare(before, record) <= 0) && (!after || compare(record, after) <= 0);
  }

  statusOf(record) {
    if (!record.own) return null;
    if (!record.seq) return record.status === "failed" ? "failed" : "sending";
    if (record.is_read) return "read";
    if (this.isGroup) return this.readByAll(record.seq) ? "read" : "sent";
    return record.seq <= (this.chat.peer_last_read_seq || 0) ? "read" : "sent";
  }

  unsent() {
    return this.records.filter((record) => !record.seq);
  }

  /** What a reply of `record` shows of the message it answers: the original as held here
   * (edited or deleted since), else as the server quoted it. */
  quoted(record) {
    const quote = record.reply_to;
    if (!quote) return null;
    const original = this.byId.get(quote.id);
    return original ? quoteOf(original) : quote;
  }
}

/** A message as a reply quotes it (the contract's `reply_to`). */
export function quoteOf(record) {
  return {
    id: record.id,
    seq: record.seq,
    sender_id: record.sender_id,
    kind: record.kind,
    content: record.deleted ? "" : Array.from(record.content || "").slice(0, QUOTE_LENGTH).join(""),
    deleted: Boolean(record.deleted),
    has_attachments: Boolean(record.attachments?.length || record.has_attachments),
    // Not in the contract's quote: what its attachments are, where they are known.
    attachments: record.deleted ? [] : record.attachments || null,
  };
}

/** A quoted message in one line: its text, or what stands in for it. */
export function quoteText(quote) {
  if (quote.deleted) return t("message_deleted");
  const text = (quote.content || "").replace(/\s+/g, " ").trim();
  return text || (quote.has_attachments ? attachmentLabel(quote.attachments) : "");
}

/** The message list of the open chat. */
export class MessageView {
  /**
   * `onAction(record)` opens a message's menu, `onRetry(record)` sends a failed one again,
   * `onQuote(record)` goes to the message a reply answers and `onReact(record, emoji)` toggles
   * one's reaction.
   */
  constructor(list, loader, { onAction, onRetry, onQuote, onReact, onOpenImage }) {
    this.list = list;
    this.loader = loader;
    this.onAction = onAction;
    this.onRetry = onRetry;
    this.onQuote = onQuote;
    this.onReact = onReact;
    this.onOpenImage = onOpenImage;
    this.state = null;
  }

  mount(state) {
    this.state = state;
    for (const node of [...this.list.children]) if (node !== this.loader) node.remove();
    state.records.forEach((record, index) => {
      this.render(record);
      this.list.append(record.el);
      this.fixSeparator(record, state.records[index - 1]);
    });
    this.updateLoader();
  }

  unmount() {
    this.state = null;
  }

  /** Put `record` into `state`'s order (and on screen when `state` is the open one). */
  insert(state, record) {
    const index = state.slot(record);
    state.records.splice(index, 0, record);
    this.render(record, state);
    if (this.state !== state) return;
    const next = state.records[index + 1];
    const anchor = next ? (next.sep?.isConnected ? next.sep : next.el) : null;
    this.list.insertBefore(record.el, anchor);
    this.fixSeparator(record, state.records[index - 1]);
    if (next) this.fixSeparator(next, record);
  }

  /** Move a record whose seq just arrived to where the seq says. */
  reorder(state, record) {
    const index = state.records.indexOf(record);
    if (index === -1 || state.isInOrder(index)) return;
    const before = state.records[index - 1];
    const after = state.records[index + 1];
    state.records.splice(index, 1);
    if (this.state === state) {
      record.el.remove();
      record.sep?.remove();
      record.sep = null;
      if (after) this.fixSeparator(after, before);
    }
    this.insert(state, record);
  }

  fixSeparator(record, previous) {
    const needed = !previous || dayKey(previous.date) !== dayKey(record.date);
    if (!needed) {
      record.sep?.remove();
      record.sep = null;
      return;
    }
    if (!record.sep) record.sep = el("li", { class: "day-sep" }, el("span"));
    record.sep.firstChild.textContent = formatDay(record.date);
    if (record.el.previousSibling !== record.sep) record.el.before(record.sep);
  }

  /** Day labels say "Today" and "Yesterday": redraw them when the page comes back. */
  relabel() {
    for (const record of this.state?.records || []) {
      if (record.sep) record.sep.firstChild.textContent = formatDay(record.date);
    }
  }

  updateLoader() {
    const state = this.state;
    this.loader.hidden = !state || !state.loaded || !state.hasMore;
  }

  /** Build or refresh a record's element. */
  render(record, state = this.state) {
    if (record.kind === "system") {
      this.renderSystem(record);
      return;
    }
    if (!record.el) this.build(record);
    const node = record.el;
    this.renderSender(record, Boolean(state?.isGroup) && !record.own);
    const status = state ? state.statusOf(record) : record.status;
    if (record.own) node.dataset.status = status;
    if (record.id) node.dataset.messageId = record.id;
    if (record.seq) node.dataset.seq = String(record.seq);
    node.classList.toggle("is-deleted", Boolean(record.deleted));

    const textKey = JSON.stringify([record.content, record.deleted]);
    if (node.dataset.textKey !== textKey) {
      node.dataset.textKey = textKey;
      record.text.replaceChildren(
        record.deleted ? el("em", { text: t("message_deleted") }) : linkify(record.content),
      );
    }
    renderAttachments(record.media, record.deleted ? [] : record.attachments, { onOpen: this.onOpenImage });
    node.classList.toggle("msg--media", Boolean(!record.deleted && record.attachments?.length));
    record.text.hidden = !record.deleted && !record.content;
    this.renderForward(record);
    this.renderQuote(record, state);
    if (record.reactionsRow) {
      renderReactions(record.reactionsRow, record.deleted ? [] : record.reactions || [], {
        meId: state?.meId,
        nameOf,
        onToggle: (emoji) => this.onReact(record, emoji),
      });
    }
    record.edited.hidden = !record.edited_at || record.deleted;
    record.time.dateTime = record.created_at;
    record.time.title = formatFull(record.date);
    record.time.textContent = formatTime(record.date);
    if (record.tick) {
      record.tick.setAttribute("aria-label", t(`status_${status}`));
      record.tick.title = t(`status_${status}`);
    }
    if (record.actions) record.actions.hidden = !record.id || record.deleted;
    this.renderFailure(record, status === "failed" ? record.failCode || "failed" : null);
  }

  /** "Forwarded from Ann" above a forward's text. */
  renderForward(record) {
    const from = record.deleted ? null : record.forwarded_from;
    if (!from) {
      record.forward?.remove();
      record.forward = null;
      return;
    }
    const text = t("forwarded_from", { name: from.display_name || t("someone") });
    if (!record.forward) {
      record.forward = el("div", { class: "msg__forwarded", dir: "auto" });
      record.bubble.prepend(record.forward);
    }
    if (record.forward.textContent !== text) record.forward.textContent = text;
  }

  /** A reply's quote of the message it answers: its sender and text; pressing it goes there. */
  renderQuote(record, state) {
    const quote = record.deleted ? null : state ? state.quoted(record) : record.reply_to;
    if (!quote) {
      record.quote?.remove();
      record.quote = null;
      delete record.el.dataset.replyTo;
      return;
    }
    record.el.dataset.replyTo = quote.id;
    const name = nameOf(quote.sender_id);
    const who = name === null ? "…" : name || t("someone");
    const text = quoteText(quote);
    const key = JSON.stringify([quote.id, who, text, quote.deleted]);
    if (record.quote?.dataset.key === key) return;
    const button = el(
      "button",
      {
        type: "button",
        class: `msg__quote${quote.deleted ? " is-deleted" : ""}`,
        title: t("show_message"),
        dataset: { key, quoteOf: quote.id },
      },
      el("span", { class: "msg__quote-name", dir: "auto", text: who }),
      el("span", { class: "msg__quote-text", dir: "auto", text }),
    );
    button.addEventListener("click", () => this.onQuote(record));
    if (record.quote) record.quote.replaceWith(button);
    else record.media.before(button);
    record.quote = button;
  }

  /** A system message: a centred sentence naming the people, no ticks and no menu. */
  renderSystem(record) {
    if (!record.el) {
      record.el = el("li", { class: "msg msg--system" }, el("p", { class: "msg__system", dir: "auto" }));
    }
    const node = record.el;
    if (record.id) node.dataset.messageId = record.id;
    if (record.seq) node.dataset.seq = String(record.seq);
    node.dataset.system = record.system?.event || "";
    const text = systemText(record.system, nameOf);
    if (node.firstChild.textContent !== text) node.firstChild.textContent = text;
    node.title = formatFull(record.date);
  }

  /** In a group, the sender's name and face above a message from someone else. */
  renderSender(record, shown) {
    if (!shown) {
      record.sender?.remove();
      record.sender = null;
      record.el.classList.remove("msg--named");
      return;
    }
    const name = nameOf(record.sender_id);
    const user = people.get(record.sender_id);
    const key = JSON.stringify([name, user?.avatar_url]);
    if (record.sender?.dataset.key === key) return;
    const face = avatar(user || { id: record.sender_id, display_name: name || "" }, "xs");
    const sender = el(
      "div",
      { class: "msg__sender", dataset: { key } },
      face,
      el("span", { class: "msg__sender-name", dir: "auto", text: name === null ? "…" : name || t("someone") }),
    );
    sender.style.setProperty("--hue", face.style.getPropertyValue("--hue"));
    if (record.sender) record.sender.replaceWith(sender);
    else record.el.prepend(sender);
    record.sender = sender;
    record.el.classList.add("msg--named");
  }

  /** Names came (people.js): senders, quotes, reactions and system messages say them. */
  refreshNames() {
    for (const record of this.state?.records || []) {
      if (record.kind === "system" || record.sender || record.reply_to || record.reactions?.length) {
        this.render(record);
      }
    }
  }

  build(record) {
    record.text = el("div", { class: "msg__text", dir: "auto" });
    record.media = el("div", { class: "msg__attachments", hidden: true });
    record.edited = el("span", { class: "msg__edited", text: t("edited") });
    record.time = el("time", { class: "msg__time" });
    record.tick = record.own ? el("span", { class: "msg__tick", role: "img" }) : null;
    // Reply, react, forward and pin; one's own messages can be edited and deleted, others'
    // reported.
    record.actions = el("button", {
      type: "button",
      class: "msg__actions",
      "data-message-actions": true,
      "aria-label": t("message_actions"),
      "aria-haspopup": "menu",
      "aria-expanded": "false",
    });
    record.actions.addEventListener("click", () => this.onAction(record));
    record.bubble = el(
      "div",
      { class: "msg__bubble" },
      record.media,
      record.text,
      el("span", { class: "msg__meta" }, record.edited, record.time, record.tick),
    );
    record.reactionsRow = el("div", { class: "msg__reactions", hidden: true });
    record.el = el(
      "li",
      { class: `msg ${record.own ? "msg--own" : "msg--peer"}` },
      record.bubble,
      record.reactionsRow,
      record.actions,
    );
  }

  /** "Not sent" and a Retry button under a failed message (`code`: why; null when it is not). */
  renderFailure(record, code) {
    if (code === null || code === undefined) {
      record.failure?.remove();
      record.failure = null;
      return;
    }
    if (!record.failure) {
      const retry = el("button", { type: "button", class: "msg__retry", text: t("retry") });
      retry.addEventListener("click", () => this.onRetry(record));
      record.failure = el("div", { class: "msg__failed" }, el("span"), " ", retry);
      record.el.append(record.failure);
    }
    const text = code === "blocked" ? t("not_sent_blocked") : t("not_sent");
    if (record.failure.firstChild.textContent !== text) record.failure.firstChild.textContent = text;
  }

  // --- scrolling -------------------------------------------------------------------------

  nearBottom() {
    const list = this.list;
    return list.scrollHeight - list.scrollTop - list.clientHeight < 120;
  }

  scrollToBottom() {
    this.list.scrollTop = this.list.scrollHeight;
  }

  /** Bring `record` into view and make it stand out for a moment (the focus goes to it). */
  reveal(record) {
    const node = record.el;
    if (!node?.isConnected) return;
    node.scrollIntoView({ block: "center" });
    node.tabIndex = -1;
    node.focus({ preventScroll: true });
    node.classList.remove("is-highlighted");
    void node.offsetWidth; // restart the animation when it is revealed again
    node.classList.add("is-highlighted");
    clearTimeout(record.highlightTimer);
    record.highlightTimer = setTimeout(() => node.classList.remove("is-highlighted"), 2000);
  }

  /** Run `change` (which adds older messages above) without moving what is on screen. */
  keepPosition(change) {
    const list = this.list;
    const height = list.scrollHeight;
    const top = list.scrollTop;
    change();
    list.scrollTop = top + (list.scrollHeight - height);
  }
}
