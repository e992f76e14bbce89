// The open chat: opening and leaving it, live messages, reads and typing, blocking and
// reporting the peer, a group's members, and what a message's menu offers: replies, reactions,
// forwards and the pinned message, and attachments (an image opens in `viewer`). Its history comes through history.js, one's own messages go
// through outbox.js, chatview.js draws what surrounds the message list, members.js shows a
// group's member list and forward.js the chats to forward to.
import { api } from "./api.js";
import { chatFace, isGroup, peerOf } from "./chatlist.js";
import { Composer } from "./composer.js";
import { Drafts } from "./drafts.js";
import { ChatView } from "./chatview.js";
import { formatPresence, newClientId } from "./dom.js";
import { membersText, typingText } from "./groups.js";
import { HistoryLoader } from "./history.js";
import { errorText, t } from "./i18n.js";
import { ChatState, MessageView, quoteOf, quoteText } from "./messages.js";
import { Outbox } from "./outbox.js";
import { people } from "./people.js";
import { emojiPicker, reactionOf, withReaction } from "./reactions.js";

// Typing: told at most about once a second while keys are pressed (the server drops a second
// frame within a second, so a little over that), and shown for a few of those after the last
// one heard, so a frame lost on the way (the server's one-a-second window, a socket still
// joining) leaves no gap; "hidden within 6 s of the last keystroke" holds with room to spare.
const TYPING_EVERY_MS = 1200;
const TYPING_SHOWN_MS = 4000;
// A keystroke made while the socket was not ready is told once it is, if it is this recent.
const TYPING_FRESH_MS = 1500;

export class Conversation {
  /**
   * `blocks` is the page's store of the people one blocks (blocks.js); `members` the member
   * list's dialog (members.js); `readers` the "Read by" dialog (readers.js); `forward` the
   * Forward dialog (forward.js); `refreshChat(chatId)` fetches a chat again into the list when
   * the server's view of it has changed; `onChange()` hears that the title may need updating.
   */
  constructor(root, {
    me, list, socket, blocks, report, members, readers, forward, viewer, maxUploadBytes, refreshChat, onChange,
  }) {
    this.root = root;
    this.me = me;
    this.list = list;
    this.socket = socket;
    this.blocks = blocks;
    this.report = report;
    this.members = members;
    this.readers = readers;
    this.forward = forward;
    this.viewer = viewer;
    this.refreshChat = refreshChat;
    this.onChange = onChange;
    this.states = new Map();
    this.state = null;
    this.typingTimers = new Map(); // chat id → (user id → timer)
    this.typingSent = { chatId: null, at: 0 };
    this.lastKeystroke = { chatId: null, at: 0 };
    this.readTimer = null;

    const messageList = root.querySelector(".messages");
    const loader = messageList.querySelector(".messages__loader");
    this.view = new MessageView(messageList, loader, {
      onAction: (record) => this.toggleMenu(record),
      onRetry: (record) => this.outbox.transmit(this.states.get(record.chat_id), record),
      onQuote: (record) => this.showQuoted(record),
      onReact: (record, emoji) => this.react(record, emoji),
      onOpenImage: (attachment, opener) => this.viewer.open(attachment, opener),
    });
    this.chatView = new ChatView(root, this.view, {
      onUnblock: () => this.setBlocked(false),
      onChatAction: (action) => this.chatAction(action),
      onMembers: () => this.openMembers(),
      onPinned: () => this.showPinned(),
      onUnpin: () => this.unpin(this.state),
    });
    this.history = new HistoryLoader(this.view, {
      current: () => this.state,
      accept: (state, message, options) => this.accept(state, message, options),
      onFirstPage: (wasAtBottom) => this.firstPageShown(wasAtBottom),
      onMissing: () => this.showMissing(),
      onGone: (chatId) => this.refreshChat(chatId),
      onCaughtUp: () => this.markRead(),
      onError: (code) => this.say(code),
    });
    this.outbox = new Outbox(this.states, {
      socket,
      view: this.view,
      list,
      accept: (state, message) => this.accept(state, message),
      onDelivered: (state) => this.delivered(state),
      onBlocked: (state) => this.refusedAsBlocked(state),
      onChange: () => this.onChange(),
      onError: (code) => this.say(code),
    });
    this.composer = new Composer(root.querySelector(".composer"), {
      onSend: (text, replyTo, attachments) => this.send(text, replyTo, attachments),
      onEdit: (record, text) => this.outbox.edit(record, text),
      onTyping: () => this.typed(),
      onEditLast: () => this.editLast(),
      onDraft: (text) => {
        if (this.state) this.drafts.typed(this.state.chat.id, text);
      },
      maxUploadBytes,
      onRefused: (text) => this.chatView.show(text, false),
    });

    this.drafts = new Drafts({ list });
    // The page going away or out of sight: what is typed is kept as the draft now.
    window.addEventListener("pagehide", () => this.keepDraft({ leaving: true }));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState !== "visible") {
        this.keepDraft();
        return;
      }
      this.view.relabel();
      this.list.refresh();
      this.blocks.load();
      this.renderHeader();
      this.markRead();
    });
    window.addEventListener("focus", () => this.markRead());
    blocks.subscribe(() => this.renderHeader());
    // Names came for senders, system messages or typists.
    people.subscribe(() => {
      this.view.refreshNames();
      this.renderHeader();
      for (const chatId of this.typingTimers.keys()) this.list.showTyping(chatId, this.typingText(chatId));
    });
  }

  get openId() {
    return this.state?.chat.id || null;
  }

  // --- opening ---------------------------------------------------------------------------

  /** Open `chatId`; the promise settles once its latest messages are shown (or it failed). */
  open(chatId) {
    if (this.state?.chat.id === chatId) return this.opening;
    this.opening = this.load(chatId);
    return this.opening;
  }

  /** Open `chatId` at message `id` (seq `seq`): its history is read back to it, and it is
   * scrolled to, highlighted and focused. */
  async openAt(chatId, id, seq) {
    await this.open(chatId);
    const state = this.state;
    if (state?.chat.id !== chatId) return;
    await this.showMessage(state, id, seq);
  }

  async load(chatId) {
    this.leave();
    let state = this.states.get(chatId);
    if (!state) {
      state = new ChatState(this.list.get(chatId) || { id: chatId }, this.me.id);
      this.states.set(chatId, state);
    }
    state.chat = this.list.get(chatId) || state.chat;
    if (!state.draftRead) {
      // First time open on this page: the draft comes from the server (maybe another device).
      state.draftRead = true;
      state.draft = state.draft || this.drafts.held(chatId);
    }
    this.state = state;
    this.chatView.showPane();
    this.view.mount(state);
    this.showEmpty();
    this.composer.value = state.draft;
    this.composer.showUploads(chatId);
    const replyTo = state.replyTo && !state.replyTo.deleted ? state.replyTo : null;
    this.composer.setReply(replyTo, replyTo ? this.replyQuote(replyTo) : null);
    this.renderHeader();
    this.view.scrollToBottom();
    if (window.matchMedia("(min-width: 721px)").matches) this.composer.field.focus();

    if (!state.chat.peer && !state.chat.members) {
      // Not in the list yet (opened from its address): tried again while it stays open.
      try {
        const { data } = await api.get(`/api/chats/${chatId}`, { retry: () => this.state === state });
        state.chat = this.list.upsert(data);
        if (!this.composer.value && this.state === state) this.composer.value = state.draft = this.drafts.held(chatId);
      } catch (error) {
        if (this.state !== state) return;
        if (error.status === 404) this.showMissing();
        else if (error.status !== 401) this.say(error.code);
        return;
      }
      if (this.state !== state) return;
      this.renderHeader();
    }
    if (state.isGroup) this.loadMembers(state);
    if (state.loaded) await this.history.sync(state);
    else await this.history.loadLatest(state);
  }

  showEmpty() {
    const state = this.state;
    this.chatView.showEmpty(state?.loaded && state.records.length === 0);
  }

  leave() {
    if (!this.state) return;
    if (this.composer.editing) this.composer.finishEdit();
    this.state.draft = this.composer.value;
    this.drafts.saveNow(this.state.chat.id, this.state.draft);
    this.state.replyTo = this.composer.replying;
    this.composer.setReply(null);
    this.composer.showUploads(null);
    this.chatView.clear();
    this.view.unmount();
    this.state = null;
  }

  /** Save the open chat's text as its draft at once (not while editing a message). */
  keepDraft({ leaving = false } = {}) {
    if (this.state && !this.composer.editing) {
      this.drafts.saveNow(this.state.chat.id, this.composer.value, { leaving });
    }
    this.drafts.flush({ leaving });
  }

  /** The chat list came: the open chat's composer, still empty, takes its draft. */
  draftsListed() {
    const state = this.state;
    if (!state || this.composer.editing || this.composer.value) return;
    const draft = this.drafts.held(state.chat.id);
    if (draft) this.composer.value = state.draft = draft;
  }

  /** draft.updated: a device of ours changed a chat's draft. The open composer takes it unless
   * it holds text of its own not saved yet (being typed). */
  draftUpdated(frame) {
    const { before, applies } = this.drafts.heard(frame);
    if (!applies) return;
    const state = this.states.get(frame.chat_id);
    if (!state) return;
    if (this.state === state) {
      if (this.composer.editing || this.composer.value !== before) return;
      if (this.composer.value !== frame.content) this.composer.value = frame.content;
      state.draft = frame.content;
    } else if (state.draft === before || !state.draftRead) {
      state.draft = frame.content;
    }
  }

  close() {
    this.leave();
    this.chatView.showPlaceholder();
  }

  showMissing() {
    this.leave();
    this.chatView.showMissing();
  }

  renderHeader() {
    const state = this.state;
    if (!state) return;
    const chat = state.chat;
    const face = chatFace(chat, this.me, "sm");
    const typing = this.typingText(chat.id);
    if (isGroup(chat)) {
      const online = (chat.members || []).filter((user) => user.id !== this.me.id && user.online).length;
      const count = chat.member_count || chat.members?.length || 0;
      this.chatView.renderHeader({
        kind: "group", face, name: chat.title || "", online: online > 0, status: membersText(count, online),
        typing, blocked: false, menu: true, muted: Boolean(chat.muted),
      });
    } else {
      const peer = peerOf(chat, this.me);
      this.chatView.renderHeader({
        kind: "direct", face, name: peer.display_name || "", online: Boolean(peer.online),
        status: peer.id ? formatPresence(peer) : "", typing, blocked: this.blocks.has(peer.id),
        menu: Boolean(peer.id), muted: Boolean(chat.muted),
      });
    }
    this.renderComposer();
    this.renderPinned();
    this.onChange();
  }

  // --- a group's members ------------------------------------------------------------------

  /**
   * Read a group's member list (roles, and read seqs for the ticks), again when asked while
   * it is on its way; tried again while the chat stays open.
   */
  loadMembers(state) {
    if (!state.isGroup) return null;
    if (state.membersLoading) {
      state.membersAgain = true;
      return state.membersLoading;
    }
    const held = () => this.states.get(state.chat.id) === state;
    state.membersLoading = (async () => {
      do {
        state.membersAgain = false;
        let members;
        try {
          ({ data: members } = await api.get(`/api/chats/${state.chat.id}/members`, {
            retry: () => held() && this.state === state,
          }));
        } catch (error) {
          // Gone (chat.removed says so) or refused; the next open or reconnect asks again.
          if (error.status !== 401 && error.status !== 404) {
            console.warn(`Tether: the members of ${state.chat.id} could not be loaded.`, error);
          }
          return;
        }
        if (!held()) return;
        people.remember(members.map((member) => member.user));
        state.setMembers(members);
        this.rerenderOwn(state);
        this.members.update(state);
        // One's role decides who may unpin.
        if (this.state === state) this.renderPinned();
      } while (state.membersAgain);
    })().finally(() => {
      state.membersLoading = null;
    });
    return state.membersLoading;
  }

  openMembers() {
    const state = this.state;
    if (!state?.isGroup) return;
    this.members.open(state, this.chatView.membersButton);
    this.loadMembers(state);
  }

  /** chat.updated: the open group's members (roles, people) are read again (another group's
   * when it is opened). */
  chatUpdated(chatId) {
    if (this.state?.chat.id === chatId && this.state.isGroup) this.loadMembers(this.state);
  }

  /** The chat is gone for us (left, removed): nothing of it stays. Whether it was open. */
  forget(chatId) {
    const open = this.openId === chatId;
    this.stopTyping(chatId);
    this.members.closeFor(chatId);
    this.readers.closeFor(chatId);
    this.forward.closeFor(chatId);
    if (open) this.leave();
    this.states.delete(chatId);
    return open;
  }

  /** Redraw one's own stored messages (their ticks). */
  rerenderOwn(state, upTo = Infinity) {
    for (const record of state.records) {
      if (record.own && record.seq && record.seq <= upTo) this.view.render(record, state);
    }
  }

  // --- blocking and reporting ----------------------------------------------------------------

  /** The composer, or why there is none: one blocks the peer, or the peer cannot be messaged. */
  renderComposer() {
    const state = this.state;
    if (!state) return;
    const peer = peerOf(state.chat, this.me);
    const blocked = this.blocks.has(peer.id);
    const text = blocked ? t("you_blocked") : state.cannotMessage ? t("error_blocked") : "";
    this.chatView.renderBlocked(text, blocked);
    if (blocked && this.composer.editing) this.composer.finishEdit();
    this.composer.setEnabled(state.loaded && !blocked);
  }

  chatAction(action) {
    if (action === "mute" || action === "unmute") {
      this.setMuted(action === "mute");
      return;
    }
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

  /** Mute or unmute the open chat: no notifications, and its unread stay out of the title. */
  async setMuted(muted) {
    const state = this.state;
    if (!state) return;
    try {
      const { data } = await api.patch(`/api/chats/${state.chat.id}/settings`, { muted });
      state.chat = this.list.upsert(data);
    } catch (error) {
      if (error.status !== 401) this.say(error.code);
      return;
    }
    if (this.state === state) this.renderHeader();
    this.chatView.tell(t(muted ? "muted_done" : "unmuted_done"));
  }

  async setBlocked(blocked) {
    const state = this.state;
    const peer = state ? peerOf(state.chat, this.me) : null;
    if (!peer?.id) return;
    try {
      if (blocked) await this.blocks.block(peer);
      else await this.blocks.unblock(peer.id);
    } catch (error) {
      this.say(error.code);
      return;
    }
    // A block hides presence both ways: the server's view of the peer has changed.
    this.refreshChat(state.chat.id);
    if (!blocked) {
      // Whoever refused before may have been us: let the next send find out.
      state.cannotMessage = false;
      this.renderComposer();
      this.composer.field.focus();
    }
  }

  /** A send was refused as blocked: the composer says so, for as long as it holds. */
  refusedAsBlocked(state) {
    // The block may be ours, made on another device: ask, so the composer can offer Unblock.
    state.cannotMessage = !this.blocks.has(peerOf(state.chat, this.me).id);
    if (this.state === state) this.renderComposer();
    this.blocks.load();
  }

  /** A message of ours was stored: whatever refused before no longer does. */
  delivered(state) {
    if (!state.cannotMessage) return;
    state.cannotMessage = false;
    if (this.state === state) this.renderComposer();
  }

  // --- history (history.js) -------------------------------------------------------------

  /** The open chat's first page is in: show it, from the bottom unless one had scrolled up. */
  firstPageShown(wasAtBottom) {
    this.view.updateLoader();
    this.showEmpty();
    this.renderComposer();
    if (wasAtBottom) this.view.scrollToBottom();
    this.markRead();
  }

  /** After every (re)connection: catch up on every chat opened here, then resend. */
  async resync() {
    if (this.state?.isGroup) this.loadMembers(this.state);
    await Promise.all([...this.states.values()].map((state) => this.history.sync(state)));
    this.outbox.resend();
    this.markRead();
  }

  // --- incoming --------------------------------------------------------------------------

  /** A message from the socket (new, ack, updated, deleted). */
  receive(message, kind) {
    if (kind === "new" && message.sender_id !== this.me.id && message.kind !== "system") {
      this.stopTyping(message.chat_id, message.sender_id);
    }
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
        this.history.sync(state);
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
      if (open) this.chatView.showEmpty(false);
    } else {
      this.view.reorder(state, record);
      this.view.render(record, state);
      this.changed(state, record);
    }
    if (!open || quiet || !created) return;
    if (stick || record.own) this.view.scrollToBottom();
    else this.chatView.offerJump();
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
    if (isGroup(chat)) {
      // A group's message is read once every other member has read it.
      if (state?.noteRead(userId, seq)) this.rerenderOwn(state, seq);
      this.readers.onRead(chatId, seq);
      return;
    }
    chat.peer_last_read_seq = Math.max(chat.peer_last_read_seq || 0, seq);
    if (state) this.rerenderOwn(state, seq);
  }

  onTyping({ chat_id: chatId, user_id: userId }) {
    if (userId === this.me.id) return;
    let typists = this.typingTimers.get(chatId);
    if (!typists) {
      typists = new Map();
      this.typingTimers.set(chatId, typists);
    }
    clearTimeout(typists.get(userId));
    typists.set(userId, setTimeout(() => this.stopTyping(chatId, userId), TYPING_SHOWN_MS));
    this.showTyping(chatId);
  }

  /** `userId` stopped typing in `chatId` (everyone, without `userId`). */
  stopTyping(chatId, userId = null) {
    const typists = this.typingTimers.get(chatId);
    if (!typists) return;
    for (const [id, timer] of typists) {
      if (userId !== null && id !== userId) continue;
      clearTimeout(timer);
      typists.delete(id);
    }
    if (!typists.size) this.typingTimers.delete(chatId);
    this.showTyping(chatId);
  }

  showTyping(chatId) {
    const text = this.typingText(chatId);
    this.list.showTyping(chatId, text);
    if (this.openId === chatId) this.chatView.showTyping(text);
  }

  /** Who types in `chatId`, in words: "typing…" in a direct chat, names in a group. */
  typingText(chatId) {
    const typists = this.typingTimers.get(chatId);
    if (!typists?.size) return "";
    const chat = this.states.get(chatId)?.chat || this.list.get(chatId);
    if (!isGroup(chat)) return t("typing");
    return typingText([...typists.keys()], (id) => people.nameOf(id));
  }

  onPresence({ user_id: userId, online, last_seen: lastSeen }) {
    // The open group's member list shows presence too.
    const member = this.state?.members?.find((m) => m.user.id === userId);
    if (member) {
      Object.assign(member.user, { online, last_seen: lastSeen });
      this.members.update(this.state);
    }
    this.renderHeader();
  }

  /** An error frame: the message it names did not go. */
  onError(frame) {
    this.outbox.refused(frame);
  }

  /** The socket went away: what was waiting for its ack will be resent when it is back. */
  onLost() {
    this.outbox.lost();
  }

  // --- outgoing --------------------------------------------------------------------------

  /** Send `text` to the open chat (`replyTo`: the record it answers, or null) with
   * `attachments` (uploaded, their caption `text`). */
  send(text, replyTo = null, attachments = []) {
    const state = this.state;
    if (!state?.loaded) return;
    // The peer stops showing our typing when the message comes: typing starts afresh.
    this.lastKeystroke = { chatId: null, at: 0 };
    this.typingSent = { chatId: null, at: 0 };
    if (replyTo && (replyTo.chat_id !== state.chat.id || !replyTo.id)) replyTo = null;
    state.draft = "";
    this.drafts.sent(state.chat.id);
    const record = state.pending({ clientId: newClientId(), content: text, replyTo, attachments });
    this.view.insert(state, record);
    this.chatView.showEmpty(false);
    this.view.scrollToBottom();
    this.outbox.transmit(state, record);
  }

  editLast() {
    const record = this.state?.records.findLast((r) => r.own && r.id && !r.deleted);
    if (!record) return false;
    this.composer.startEdit(record);
    return true;
  }

  /** A key was pressed in the composer (with text in it, not editing). */
  typed() {
    if (!this.state) return;
    this.lastKeystroke = { chatId: this.state.chat.id, at: Date.now() };
    this.tellTyping();
  }

  /** Tell the open chat we type, if a keystroke there is recent and not yet told this second. */
  tellTyping() {
    const chatId = this.openId;
    const now = Date.now();
    const { chatId: typedIn, at: typedAt } = this.lastKeystroke;
    if (!chatId || typedIn !== chatId || now - typedAt > TYPING_FRESH_MS) return;
    const sent = this.typingSent;
    if (sent.chatId === chatId && now - sent.at < TYPING_EVERY_MS) return;
    // Not sent while the socket is not ready: socketReady() tries again.
    if (this.socket.send({ type: "typing", chat_id: chatId })) this.typingSent = { chatId, at: now };
  }

  /** The socket is (again) ready: what was typed while it was not is told now. */
  socketReady() {
    this.tellTyping();
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
        const { data } = await api.post(`/api/chats/${chat.id}/read`, { up_to_seq: upTo });
        chat.last_read_seq = Math.max(chat.last_read_seq || 0, data.last_read_seq ?? upTo);
      } catch (error) {
        // last_read_seq has not moved, so the next markRead (after a reconnect) tries again.
        if (error.status !== 401) console.warn(`Tether: chat ${chat.id} could not be marked read.`, error);
      }
    }, 150);
  }

  // --- the actions menu of a message: reply, react, forward and pin (where allowed); edit and
  // delete one's own (and, in a group, see who read it), report others' ------------------------

  toggleMenu(record) {
    const state = this.states.get(record.chat_id);
    const pinned = state?.chat.pinned_message?.id === record.id;
    const own = record.own
      ? [
          state?.isGroup ? { text: t("read_by"), action: () => this.showReaders(state, record) } : null,
          { text: t("edit"), action: () => this.composer.startEdit(record) },
          { text: t("delete"), action: () => this.outbox.remove(record), danger: true },
        ]
      : [{ text: t("report"), action: () => this.reportMessage(record), danger: true }];
    const items = [
      this.composer.field.disabled ? null : { text: t("reply"), action: () => this.startReply(record) },
      { text: t("react"), action: () => this.openReactions(record) },
      { text: t("forward"), action: () => this.forward.open(record, record.actions) },
      !this.canPin(state) ? null
        : pinned ? { text: t("unpin"), action: () => this.unpin(state, record) }
        : { text: t("pin"), action: () => this.pin(state, record) },
      ...own,
    ].filter(Boolean);
    this.chatView.toggleMenu(record, items);
  }

  // --- replies ------------------------------------------------------------------------------

  startReply(record) {
    if (this.state?.chat.id !== record.chat_id || !record.id || record.deleted) return;
    this.composer.startReply(record, this.replyQuote(record));
  }

  /** What the composer's reply bar says of `record`: whom one answers, and their words. */
  replyQuote(record) {
    const name = people.nameOf(record.sender_id);
    return {
      name: t("reply_to", { name: name === null ? "…" : name || t("someone") }),
      text: quoteText(quoteOf(record)),
    };
  }

  /** A reply's quote was pressed: go to the message it answers. */
  showQuoted(record) {
    const state = this.states.get(record.chat_id);
    const quote = record.reply_to;
    if (state && quote) this.showMessage(state, quote.id, quote.seq);
  }

  /** Scroll to message `id` (seq `seq`) of the open chat, loading older history until it is
   * there. */
  async showMessage(state, id, seq) {
    if (this.state !== state || !id) return;
    if (!state.byId.get(id)?.el?.isConnected && seq) await this.history.loadUntil(state, seq);
    if (this.state !== state) return;
    const record = state.byId.get(id);
    if (record?.el?.isConnected) this.view.reveal(record);
    else this.say("not_found");
  }

  /** A message we hold changed (edited, deleted, reacted to): what shows it elsewhere follows. */
  changed(state, record) {
    // A deleted message can no longer be answered: the reply being written lets it go.
    if (record.deleted && state.replyTo === record) state.replyTo = null;
    if (record.deleted && this.state === state && this.composer.replying === record) this.composer.setReply(null);
    if (state.chat.pinned_message?.id === record.id) {
      // Deleting a message unpins it (the server's chat.updated says so too).
      if (record.deleted) state.chat.pinned_message = null;
      if (this.state === state) this.renderPinned();
    }
    for (const other of state.records) {
      if (other.reply_to?.id === record.id) this.view.render(other, state);
    }
  }

  // --- reactions ----------------------------------------------------------------------------

  openReactions(record) {
    const picker = emojiPicker({
      mine: reactionOf(record.reactions, this.me.id),
      onPick: (emoji) => {
        this.chatView.closeFor(record);
        this.react(record, emoji);
      },
    });
    this.chatView.openPicker(record, picker);
  }

  /** Toggle one's reaction `emoji` on `record`: shown at once, the server's answer settles it. */
  async react(record, emoji) {
    const state = this.states.get(record.chat_id);
    if (!state || !record.id || record.deleted) return;
    const mine = reactionOf(record.reactions, this.me.id);
    const next = mine === emoji ? null : emoji;
    record.reactions = withReaction(record.reactions, this.me.id, next);
    this.view.render(record, state);
    const path = `/api/messages/${record.id}/reaction`;
    let message;
    try {
      ({ data: message } = await (next ? api.put(path, { emoji: next }) : api.delete(path)));
    } catch (error) {
      // Back to what it was, whatever else changed meanwhile.
      if (reactionOf(record.reactions, this.me.id) === next) {
        record.reactions = withReaction(record.reactions, this.me.id, mine);
        this.view.render(record, state);
      }
      // The server's idea of one emoji is the last word.
      if (error.code === "validation_error" && next) this.chatView.show(t("emoji_one"), false);
      else if (error.status !== 401) this.sayRefused(error);
      return;
    }
    if (this.states.get(record.chat_id) === state) this.accept(state, message);
    this.list.noteMessage(message, { counts: false });
  }

  // --- the pinned message -------------------------------------------------------------------

  /** Pinning is for any member of a direct chat, the owner and admins of a group. */
  canPin(state) {
    if (!state) return false;
    if (!state.isGroup) return true;
    const role = state.members?.find((member) => member.user.id === this.me.id)?.role || state.chat.role;
    return role === "owner" || role === "admin";
  }

  pin(state, record) {
    if (record.actions?.isConnected) record.actions.focus();
    return this.changePin(state, () => api.put(`/api/chats/${state.chat.id}/pin`, { message_id: record.id }));
  }

  /** Unpin from the message's menu (`record`) or from the bar (the focus goes to the field). */
  unpin(state, record = null) {
    if (!state) return null;
    if (record?.actions?.isConnected) record.actions.focus();
    else if (this.state === state && !this.composer.field.disabled) this.composer.field.focus();
    return this.changePin(state, () => api.delete(`/api/chats/${state.chat.id}/pin`));
  }

  async changePin(state, call) {
    let chat;
    try {
      ({ data: chat } = await call());
    } catch (error) {
      if (error.status !== 401) this.sayRefused(error);
      return;
    }
    // The list holds the chat object that `state` shows.
    if (this.list.get(chat.id)) this.list.upsert(chat);
    else state.chat.pinned_message = chat.pinned_message;
    this.renderHeader();
  }

  /** The bar above the messages: the open chat's pinned message, as held here if it is. */
  renderPinned() {
    const state = this.state;
    const pinned = state?.chat.pinned_message;
    if (!pinned || pinned.deleted) {
      this.chatView.renderPinned();
      return;
    }
    const held = state.byId.get(pinned.id);
    this.chatView.renderPinned({
      id: pinned.id,
      text: quoteText(quoteOf(held || pinned)),
      canUnpin: this.canPin(state),
    });
  }

  showPinned() {
    const pinned = this.state?.chat.pinned_message;
    if (pinned) this.showMessage(this.state, pinned.id, pinned.seq);
  }

  // --- forwards -----------------------------------------------------------------------------

  /** A forward to `chat` was stored (`message`): the list, and the chat if it is held here. */
  forwarded(chat, message) {
    this.list.noteMessage(message, { counts: false });
    if (this.states.get(chat.id)?.loaded) this.receive(message, "ack");
  }

  /** "Read by" for one's own message in a group: the focus comes back to its menu button. */
  showReaders(state, record) {
    const others = Math.max((state.chat.member_count || state.members?.length || 1) - 1, 0);
    this.readers.open(record, others, record.actions);
  }

  reportMessage(record) {
    this.report.open({ path: `/api/messages/${record.id}/report`, title: t("report_message_title") });
  }

  /** What went wrong, for a few seconds (`code`: the API's error code). */
  say(code) {
    this.chatView.say(code);
  }

  /** A reaction or a pin was refused: why, in the notice. */
  sayRefused(error) {
    if (error.code === "blocked") this.chatView.show(t("error_action_blocked"), false);
    else if (error.code === "validation_error") this.chatView.show(t("error_action_invalid"), false);
    else this.chatView.show(errorText(error), false);
  }

  /** Good news, for a few seconds. */
  tell(text) {
    this.chatView.tell(text);
  }
}
