// One's own messages on their way to the server. A new one goes with its client_id, so a
// resend is never stored twice: over the socket while it is up (failed when no ack comes in
// time), otherwise over HTTP; a failed one is resent by the retry button or after the next
// reconnect, unless the refusal would repeat. A reply carries reply_to_id and a message with files
// attachment_ids every time. Edits and
// deletes go over HTTP.
import { api } from "./api.js";

const ACK_WITHIN_MS = 10000;
// Refusals that the same message would meet again: no automatic resend for these.
const PERMANENT = new Set(["validation_error", "blocked", "not_found", "permission_denied", "too_large"]);

export class Outbox {
  /**
   * `states` are the chats opened here (by id); `accept(state, message)` puts a stored message
   * on screen; `onDelivered(state)` hears that a send was stored and `onBlocked(state)` that one
   * was refused as blocked; `onError(code)` says what went wrong.
   */
  constructor(states, { socket, view, list, accept, onDelivered, onBlocked, onChange, onError }) {
    this.states = states;
    this.socket = socket;
    this.view = view;
    this.list = list;
    this.accept = accept;
    this.onDelivered = onDelivered;
    this.onBlocked = onBlocked;
    this.onChange = onChange;
    this.onError = onError;
  }

  transmit(state, record) {
    if (!state || record.seq) return;
    clearTimeout(record.timer);
    record.status = "sending";
    record.failCode = null;
    this.view.render(record, state);
    const body = { chat_id: record.chat_id, content: record.content, client_id: record.client_id };
    // A reply says what it answers on every attempt: a resend must store the same message.
    if (record.reply_to_id) body.reply_to_id = record.reply_to_id;
    // So do its attachments (uploaded before it was sent; the server takes them once).
    if (record.attachment_ids?.length) body.attachment_ids = record.attachment_ids;
    if (this.socket.send({ type: "message.send", ...body })) {
      record.via = "socket";
      record.timer = setTimeout(() => this.fail(state, record, "timeout"), ACK_WITHIN_MS);
      return;
    }
    record.via = "http";
    api.post("/api/messages", body).then(
      ({ data }) => {
        this.onDelivered(state);
        this.stored(state, data);
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
    // Not resent by itself (PERMANENT); the composer says why, for as long as it holds.
    if (code === "blocked") this.onBlocked(state);
    else if (PERMANENT.has(code) || code === "throttled") this.onError(code);
  }

  /** An error frame: the message it names did not go. */
  refused(frame) {
    if (!frame.client_id) return;
    for (const state of this.states.values()) {
      const record = state.byClient.get(frame.client_id);
      if (record && !record.seq) this.fail(state, record, frame.code);
    }
  }

  /** The socket went away: what was waiting for its ack will be resent when it is back. */
  lost() {
    for (const state of this.states.values()) {
      for (const record of state.unsent()) {
        if (record.status === "sending" && record.via === "socket") this.fail(state, record, "network");
      }
    }
  }

  /** After a reconnect: send again what failed for a reason that may have passed. */
  resend() {
    for (const state of this.states.values()) {
      for (const record of state.unsent()) {
        if (record.status === "failed" && !PERMANENT.has(record.failCode)) this.transmit(state, record);
      }
    }
  }

  async edit(record, text) {
    const state = this.states.get(record.chat_id);
    try {
      const { data } = await api.patch(`/api/messages/${record.id}`, { content: text });
      this.stored(state, data);
    } catch (error) {
      this.onError(error.code);
    }
  }

  async remove(record) {
    const state = this.states.get(record.chat_id);
    try {
      const { data } = await api.delete(`/api/messages/${record.id}`);
      this.stored(state, data);
    } catch (error) {
      this.onError(error.code);
    }
  }

  /** The server's copy of a message of ours: on screen, and in the chat list. */
  stored(state, message) {
    this.accept(state, message);
    this.list.noteMessage(message, { counts: false });
  }
}
