// The open chat: its header, history (older pages on scrolling up), live messages, sending
// with client_id (optimistic, retried, never duplicated), edits, deletes, reads and typing,
// and blocking and reporting the peer.
import { api } from "./api.js";
import { peerOf } from "./chatlist.js";
import { Composer } from "./composer.js";
import { avatar, el, formatPresence, newClientId } from "./dom.js";
import { t } from "./i18n.js";
import { ChatState, MessageView } from "./messages.js";
import { ChatMenu, menuKeys } from "./safety.js";

const PAGE_SIZE = 50;
const ACK_WITHIN_MS = 10000;
const TYPING_EVERY_MS = 2500;
const TYPING_SHOWN_MS = 5000;
// Refusals that the same message would meet again: no automatic resend for these.
const PERMANENT = new Set(["validation_error", "blocked", "not_found", "permission_denied", "too_large"]);

export class Conversation {
  constructor(root, { me, list, socket, blocks, report, onChange }) {
    this.root = root;
    this.me = me;
    this.list = list;
    this.socket = socket;
    this.blocks = blocks;
    this.report = report;
    this.onChange = onChange;
    this.states = new Map();
    this.state = null;
    this.typingTimers = new Map();
    this.lastTypingSent = 0;
    this.readTimer = null;

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
    this.unblockButton.addEventListener("click", () => this.setBlocked(false));
    this.chatMenu = new ChatMenu(root.querySelector(".conv-menu"), {
      onAction: (action) => this.chatAction(action),
    });
    const messageList = root.querySelector(".messages");
    const loader = messageList.querySelector(".messages__loader");
    this.view = new MessageView(messageList, loader, {
      onAction: (record) => this.toggleMenu(record),
      onRetry: (record) => this.transmit(this.stateOf(record), record),
    });
    this.composer = new Composer(root.querySelector(".composer"), {
      onSend: (text) => this.send(text),
      onEdit: (record, text) => this.edit(record, text),
      onTyping: () => this.typed(),
      onEditLast: () => this.editLast(),
    });

    loader.querySelector("button").addEventListener("click", () => this.loadOlder());
    new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) this.loadOlder();
    }, { root: messageList, rootMargin: "200px 0px 0px 0px" }).observe(loader);
    messageList.addEventListener("scroll", () => {
      if (this.view.nearBottom()) this.jump.hidden = true;
      if (messageList.scrollTop < 150) this.loadOlder();
    });
    this.jump.addEventListener("click", () => {
      this.view.scrollToBottom();
      this.jump.hidden = true;
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState !== "visible") return;
      this.view.relabel();
      this.list.refresh();
      this.blocks.load();
      this.renderHeader();
      this.markRead();
    });
    window.addEventListener("focus", () => this.markRead());
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

  get openId() {
    return this.state?.chat.id || null;
  }

  stateOf(record) {
    return this.states.get(record.chat_id);
  }

  // --- opening ---------------------------------------------------------------------------

  async open(chatId) {
    if (this.state?.chat.id === chatId) return;
    this.leave();
    let state = this.states.get(chatId);
    if (!state) {
      state = new ChatState(this.list.get(chatId) || { id: chatId }, this.me.id);
      this.states.set(chatId, state);
    }
    state.chat = this.list.get(chatId) || state.chat;
    this.state = state;
    this.placeholder.hidden = true;
    this.missing.hidden = true;
    this.pane.hidden = false;
    this.view.mount(state);
    this.showEmpty();
    this.composer.value = state.draft;
    this.renderHeader();
    this.view.scrollToBottom();
    if (window.matchMedia("(min-width: 721px)").matches) this.composer.field.focus();

    if (!state.chat.peer && !state.chat.members) {
      try {
        const { data } = await api("GET", `/api/chats/${chatId}`);
        state.chat = this.list.upsert(data);
      } catch (error) {
        if (this.state !== state) return;
        if (error.status === 404) this.showMissing();
        else {
          // Try again shortly (the server may be restarting); the socket's return also does.
          setTimeout(() => {
            if (this.state === state) {
              this.state = null;
              this.open(chatId);
            }
          }, 3000);
        }
        return;
      }
      if (this.state !== state) return;
      this.renderHeader();
    }
    if (state.loaded) await this.sync(state);
    else await this.loadLatest(state);
  }

  showEmpty() {
    const state = this.state;
    this.empty.hidden = !state?.loaded || state.records.length > 0;
  }

  leave() {
    if (!this.state) return;
    if (this.composer.editing) this.composer.finishEdit();
    this.state.draft = this.composer.value;
    this.closeMenu();
    this.chatMenu.close({ focus: false });
    this.view.unmount();
    this.state = null;
    this.jump.hidden = true;
    this.notice.hidden = true;
  }

  close() {
    this.leave();
    this.pane.hidden = true;
    this.missing.hidden = true;
    this.placeholder.hidden = false;
  }

  showMissing() {
    this.leave();
    this.pane.hidden = true;
    this.missing.hidden = false;
  }

  renderHeader() {
    const state = this.state;
    if (!state) return;
    const peer = peerOf(state.chat, this.me);
    const face = avatar(peer, "sm");
    face.classList.toggle("is-online", Boolean(peer.online));
    this.headerAvatar.replaceChildren(face);
    this.headerName.textContent = peer.display_name || "";
    this.header.dataset.presence = peer.online ? "online" : "offline";
    this.presenceText.textContent = peer.id ? formatPresence(peer) : "";
    this.typingNode.hidden = !this.typingTimers.has(state.chat.id);
    this.chatMenu.render({ blocked: this.blocks.has(peer.id), available: Boolean(peer.id) });
    this.renderComposer();
    this.onChange();
  }

  // --- blocking and reporting ----------------------------------------------------------------

  /** The composer, or why there is none: one blocks the peer, or the peer cannot be messaged. */
  renderComposer() {
    const state = this.state;
    if (!state) return;
    const peer = peerOf(state.chat, this.me);
    const blocked = this.blocks.has(peer.id);
    const text = blocked ? t("you_blocked") : state.cannotMessage ? t("error_blocked") : "";
    this.blockedBar.hidden = !text;
    if (this.blockedText.textContent !== text) this.blockedText.textContent = text;
    this.unblockButton.hidden = !blocked;
    if (blocked && this.composer.editing) this.composer.finishEdit();
    this.composer.setEnabled(state.loaded && !blocked);
  }

  chatAction(action) {
    const peer = this.state ? peerOf(this.state.chat, this.me) : null;
    if (!peer?.id) return;
    if (action === "block" || action === "unblock") this.setBlocked(action === "block");
    else if (action === "report") {
      this.report.open({
        path: `/api/users/${peer.id}/report`,
        title: t("report_user_title", { name: peer.display_name || "" }),
      });
    }
  }

  async setBlocked(blocked) {
    const state = this.state;
    const peer = state ? peerOf(state.chat, this.me) : null;
    if (!peer?.id) return;
    try {
      await this.blocks.set(peer.id, blocked);
    } catch (error) {
      this.say(error.code);
      return;
    }
    // A block hides presence both ways: the server's view of the peer has changed.
    api("GET", `/api/chats/${state.chat.id}`).then(
      ({ data }) => {
        state.chat = this.list.upsert(data);
        this.renderHeader();
      },
      () => {},
    );
    if (!blocked) {
      // Whoever refused before may have been us: let the next send find out.
      state.cannotMessage = false;
      this.renderComposer();
      this.composer.field.focus();
    }
  }


  // --- history ---------------------------------------------------------------------------

  loadLatest(state) {
    state.loading ??= this.fetchLatest(state).finally(() => {
      state.loading = null;
    });
    return state.loading;
  }

  async fetchLatest(state) {
    let page;
    state.arrivedWhileLoading = false;
    try {
      page = await api("GET", `/api/chats/${state.chat.id}/messages?limit=${PAGE_SIZE}`);
    } catch (error) {
      if (this.state !== state) return;
      if (error.status === 404) this.showMissing();
      else setTimeout(() => this.state === state && this.loadLatest(state), 3000);
      return;
    }
    const wasAtBottom = this.state !== state || this.view.nearBottom();
    for (const message of page.data) this.accept(state, message, { quiet: true });
    state.hasMore = Boolean(page.meta.has_more);
    state.loaded = true;
    if (this.state === state) {
      this.view.updateLoader();
      this.showEmpty();
      this.renderComposer();
      if (wasAtBottom) this.view.scrollToBottom();
      this.markRead();
    }
    // Something arrived while the page was on its way: it may be newer than the page.
    if (state.arrivedWhileLoading) this.sync(state);
  }

  loadOlder() {
    const state = this.state;
    if (!state || !state.loaded || !state.hasMore || state.olderLoading) return;
    state.olderLoading = (async () => {
      const list = this.view.list;
      list.setAttribute("aria-busy", "true");
      try {
        const before = state.firstSeq;
        const page = await api(
          "GET",
          `/api/chats/${state.chat.id}/messages?before_seq=${before}&limit=${PAGE_SIZE}`,
        );
        const apply = () => {
          for (const message of page.data) this.accept(state, message, { quiet: true });
        };
        if (this.state === state) this.view.keepPosition(apply);
        else apply();
        state.hasMore = Boolean(page.meta.has_more) && page.data.length > 0;
        // Still at the top (short pages): keep filling the screen.
        if (this.state === state && state.hasMore && this.view.list.scrollTop < 150) {
          setTimeout(() => this.loadOlder(), 0);
        }
      } catch (error) {
        if (this.state === state) this.say(error.code);
      } finally {
        list.removeAttribute("aria-busy");
        state.olderLoading = null;
        if (this.state === state) this.view.updateLoader();
      }
    })();
  }

  /** Fetch everything after the newest message we hold (after a reconnect or a gap). */
  sync(state) {
    if (!state.loaded) return this.loadLatest(state);
    if (state.syncing) {
      state.syncAgain = true;
      return state.syncing;
    }
    state.syncing = (async () => {
      try {
        do {
          state.syncAgain = false;
          for (let page = 0; page < 50; page += 1) {
            const { data, meta } = await api(
              "GET",
              `/api/chats/${state.chat.id}/messages?after_seq=${state.lastSeq}&limit=100`,
            );
            for (const message of data) this.accept(state, message);
            if (!meta.has_more || data.length === 0) break;
          }
        } while (state.syncAgain);
      } catch {
        // The next reconnect syncs again.
      } finally {
        state.syncing = null;
      }
      if (this.state === state) this.markRead();
    })();
    return state.syncing;
  }

  /** After every (re)connection: catch up on every chat opened here, then resend. */
  async resync() {
    await Promise.all([...this.states.values()].map((state) => this.sync(state)));
    for (const state of this.states.values()) {
      for (const record of state.unsent()) {
        if (record.status === "failed" && !PERMANENT.has(record.failCode)) this.transmit(state, record);
      }
    }
    this.markRead();
  }

  // --- incoming --------------------------------------------------------------------------

  /** A message from the socket (new, ack, updated, deleted). */
  receive(message, kind) {
    if (kind === "new" && message.sender_id !== this.me.id) this.stopTyping(message.chat_id);
    const state = this.states.get(message.chat_id);
    if (!state) return;
    if (kind === "ack") this.delivered(state);
    if (!state.loaded) {
      state.arrivedWhileLoading = true;
      return;
    }
    const known = state.find(message);
    if (!known) {
      if (kind === "updated" || kind === "deleted") return;
      if (message.seq > state.lastSeq + 1) {
        // We missed something: the history endpoint is the truth.
        this.sync(state);
        return;
      }
    }
    this.accept(state, message);
  }

  /** Put a stored message on screen: new, or replacing the optimistic one. */
  accept(state, message, { quiet = false } = {}) {
    const open = this.state === state;
    const stick = open && !quiet && this.view.nearBottom();
    const { record, created } = state.upsert(message);
    clearTimeout(record.timer);
    record.status = null;
    if (created) {
      this.view.insert(state, record);
      if (open) this.empty.hidden = true;
    } else {
      this.view.reorder(state, record);
      this.view.render(record, state);
    }
    if (!open || quiet || !created) return;
    if (stick || record.own) this.view.scrollToBottom();
    else this.jump.hidden = false;
    if (!record.own) this.markRead();
  }

  onRead({ chat_id: chatId, user_id: userId, last_read_seq: seq }) {
    const state = this.states.get(chatId);
    const chat = state?.chat || this.list.get(chatId);
    if (!chat) return;
    if (userId === this.me.id) {
      chat.last_read_seq = Math.max(chat.last_read_seq || 0, seq);
      return;
    }
    chat.peer_last_read_seq = Math.max(chat.peer_last_read_seq || 0, seq);
    if (!state) return;
    for (const record of state.records) {
      if (record.own && record.seq && record.seq <= seq) this.view.render(record, state);
    }
  }

  onTyping({ chat_id: chatId, user_id: userId }) {
    if (userId === this.me.id) return;
    clearTimeout(this.typingTimers.get(chatId));
    this.typingTimers.set(chatId, setTimeout(() => this.stopTyping(chatId), TYPING_SHOWN_MS));
    this.list.showTyping(chatId, true);
    if (this.openId === chatId) this.typingNode.hidden = false;
  }

  stopTyping(chatId) {
    clearTimeout(this.typingTimers.get(chatId));
    this.typingTimers.delete(chatId);
    this.list.showTyping(chatId, false);
    if (this.openId === chatId) this.typingNode.hidden = true;
  }

  onPresence() {
    this.renderHeader();
  }

  /** An error frame: the message it names did not go. */
  onError(frame) {
    if (!frame.client_id) return;
    for (const state of this.states.values()) {
      const record = state.byClient.get(frame.client_id);
      if (record && !record.seq) this.fail(state, record, frame.code);
    }
  }

  /** The socket went away: what was waiting for its ack will be resent when it is back. */
  onLost() {
    for (const state of this.states.values()) {
      for (const record of state.unsent()) {
        if (record.status === "sending" && record.via === "socket") this.fail(state, record, "network");
      }
    }
  }

  // --- outgoing --------------------------------------------------------------------------

  send(text) {
    const state = this.state;
    if (!state?.loaded) return;
    const record = state.pending({ clientId: newClientId(), content: text });
    this.view.insert(state, record);
    this.empty.hidden = true;
    this.view.scrollToBottom();
    this.transmit(state, record);
  }

  transmit(state, record) {
    if (!state || record.seq) return;
    clearTimeout(record.timer);
    record.status = "sending";
    record.failCode = null;
    this.view.render(record, state);
    const body = { chat_id: record.chat_id, content: record.content, client_id: record.client_id };
    if (this.socket.send({ type: "message.send", ...body })) {
      record.via = "socket";
      record.timer = setTimeout(() => this.fail(state, record, "timeout"), ACK_WITHIN_MS);
      return;
    }
    record.via = "http";
    api("POST", "/api/messages", body).then(
      ({ data }) => {
        this.delivered(state);
        this.accept(state, data);
        this.list.noteMessage(data, { counts: false });
        this.onChange();
      },
      (error) => this.fail(state, record, error.code),
    );
  }

  fail(state, record, code) {
    if (record.seq) return;
    clearTimeout(record.timer);
    record.status = "failed";
    record.failCode = code;
    this.view.render(record, state);
    if (code === "blocked") {
      // Not resent by itself (PERMANENT); the composer says why, for as long as it holds.
      // The block may be ours, made on another device: ask, so the composer can offer Unblock.
      state.cannotMessage = !this.blocks.has(peerOf(state.chat, this.me).id);
      if (this.state === state) this.renderComposer();
      this.blocks.load();
    } else if (PERMANENT.has(code) || code === "throttled") this.say(code);
  }

  /** A message of ours was stored: whatever refused before no longer does. */
  delivered(state) {
    if (!state.cannotMessage) return;
    state.cannotMessage = false;
    if (this.state === state) this.renderComposer();
  }

  async edit(record, text) {
    const state = this.stateOf(record);
    try {
      const { data } = await api("PATCH", `/api/messages/${record.id}`, { content: text });
      this.accept(state, data);
      this.list.noteMessage(data, { counts: false });
    } catch (error) {
      this.say(error.code);
    }
  }

  async remove(record) {
    const state = this.stateOf(record);
    try {
      const { data } = await api("DELETE", `/api/messages/${record.id}`);
      this.accept(state, data);
      this.list.noteMessage(data, { counts: false });
    } catch (error) {
      this.say(error.code);
    }
  }

  editLast() {
    const record = this.state?.records.findLast((r) => r.own && r.id && !r.deleted);
    if (!record) return false;
    this.composer.startEdit(record);
    return true;
  }

  typed() {
    const state = this.state;
    const now = Date.now();
    if (!state || now - this.lastTypingSent < TYPING_EVERY_MS) return;
    if (this.socket.send({ type: "typing", chat_id: state.chat.id })) this.lastTypingSent = now;
  }

  /** Tell the server we have seen everything on screen (when the page is being looked at). */
  markRead() {
    const state = this.state;
    if (!state?.loaded || document.visibilityState !== "visible") return;
    const upTo = state.lastSeq;
    const chat = state.chat;
    if (!upTo || (upTo <= (chat.last_read_seq || 0) && !chat.unread_count)) return;
    this.list.setUnread(chat.id, 0);
    this.onChange();
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(async () => {
      try {
        const { data } = await api("POST", `/api/chats/${chat.id}/read`, { up_to_seq: upTo });
        chat.last_read_seq = Math.max(chat.last_read_seq || 0, data.last_read_seq ?? upTo);
      } catch {
        // last_read_seq has not moved, so the next markRead (after a reconnect) tries again.
      }
    }, 150);
  }

  // --- the actions menu of a message: edit and delete one's own, report the peer's ---------------

  toggleMenu(record) {
    const same = this.menu?.record === record;
    this.closeMenu();
    if (same || !record.id || record.deleted) return;
    const item = (text, action, danger = false) => {
      const button = el("button", { type: "button", role: "menuitem", class: danger ? "is-danger" : null, text });
      button.addEventListener("click", () => {
        this.closeMenu();
        action();
      });
      return button;
    };
    const items = record.own
      ? [item(t("edit"), () => this.composer.startEdit(record)), item(t("delete"), () => this.remove(record), true)]
      : [item(t("report"), () => this.reportMessage(record), true)];
    const menu = el("div", { class: "msg__menu", role: "menu", "aria-label": t("message_actions") }, ...items);
    menu.addEventListener("keydown", (event) => menuKeys(menu, event));
    menu.record = record;
    record.el.append(menu);
    record.actions.setAttribute("aria-expanded", "true");
    this.menu = menu;
    items[0].focus();
  }

  reportMessage(record) {
    this.report.open({ path: `/api/messages/${record.id}/report`, title: t("report_message_title") });
  }

  closeMenu() {
    if (!this.menu) return;
    this.menu.record.actions?.setAttribute("aria-expanded", "false");
    this.menu.remove();
    this.menu = null;
  }

  /** What went wrong, for a few seconds (`code`: the API's error code). */
  say(code) {
    const key = `error_${code}`;
    const text = t(key);
    this.show(text === key ? t("error_generic") : text, false);
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
