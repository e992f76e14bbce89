// A chat's unsent text is kept on the server as its draft, so it follows the person to their
// other devices (draft.updated); saved a second after the typing stops, on leaving the chat and
// when the page is hidden; a sent message clears it.
import { api } from "./api.js";
import { MAX_LENGTH } from "./composer.js";

const SAVE_AFTER_MS = 1000;

export class Drafts {
  constructor({ list }) {
    this.list = list;
    this.timers = new Map(); // chat id → timer of a save to come
    this.waiting = new Map(); // chat id → the text that save will send
    this.known = new Map(); // chat id → what the server holds, as far as this page knows
    this.saving = new Map(); // chat id → the save on its way
  }

  /** What the server holds as `chatId`'s draft, as far as this page knows. */
  held(chatId) {
    if (this.known.has(chatId)) return this.known.get(chatId);
    return this.list.get(chatId)?.draft?.content || "";
  }

  /** The composer of `chatId` now reads `content`: saved once the typing stops. */
  typed(chatId, content) {
    clearTimeout(this.timers.get(chatId));
    this.waiting.set(chatId, content);
    this.timers.set(chatId, setTimeout(() => this.save(chatId, content), SAVE_AFTER_MS));
  }

  /** Save at once (leaving the chat, the page going away). */
  saveNow(chatId, content, { leaving = false } = {}) {
    this.cancel(chatId);
    return this.save(chatId, content, { leaving });
  }

  /** Every save still waiting, at once. */
  flush({ leaving = false } = {}) {
    for (const [chatId, content] of [...this.waiting]) this.saveNow(chatId, content, { leaving });
  }

  cancel(chatId) {
    clearTimeout(this.timers.get(chatId));
    this.timers.delete(chatId);
    this.waiting.delete(chatId);
  }

  async save(chatId, content, { leaving = false } = {}) {
    this.timers.delete(chatId);
    this.waiting.delete(chatId);
    content = content.trim() ? content.slice(0, MAX_LENGTH) : "";
    if (this.held(chatId) === content) return;
    this.known.set(chatId, content);
    this.list.setDraft(chatId, content ? { content, updated_at: new Date().toISOString() } : null);
    const before = this.saving.get(chatId);
    const saving = (async () => {
      await before;
      if (leaving) {
        // The page may be gone before an ordinary request answers: this one outlives it.
        const token = document.querySelector('meta[name="csrf-token"]')?.content || "";
        await fetch(`/api/chats/${chatId}/draft`, {
          method: "PUT",
          keepalive: true,
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
          body: JSON.stringify({ content }),
        });
      } else await api.put(`/api/chats/${chatId}/draft`, { content });
    })();
    this.saving.set(chatId, saving);
    try {
      await saving;
    } catch (error) {
      // Not saved: the next change, or leaving the chat, tries again.
      if (this.known.get(chatId) === content) this.known.delete(chatId);
      if (error.status !== 401 && error.status !== 404) console.warn(`Tether: the draft of ${chatId} was not saved.`, error);
    } finally {
      if (this.saving.get(chatId) === saving) this.saving.delete(chatId);
    }
  }

  /** A message went to `chatId`: the server clears its draft; a save still on its way must
   * not bring it back, so an empty one follows it. */
  async sent(chatId) {
    this.cancel(chatId);
    const pending = this.saving.get(chatId);
    this.known.set(chatId, "");
    this.list.setDraft(chatId, null);
    if (!pending) return;
    await pending.catch(() => {});
    if (this.held(chatId) === "" && !this.waiting.has(chatId)) {
      this.known.set(chatId, null); // unknown: the empty draft is sent
      this.save(chatId, "");
    }
  }

  /** draft.updated: the draft changed on some device (this one's own saves come back too).
   * Returns what was held before, so the open composer can tell whether it had unsaved text. */
  heard({ chat_id: chatId, content, updated_at: updatedAt }) {
    const before = this.held(chatId);
    if (this.waiting.has(chatId) || this.saving.has(chatId)) return { before, applies: false };
    this.known.set(chatId, content);
    this.list.setDraft(chatId, content ? { content, updated_at: updatedAt } : null);
    return { before, applies: true };
  }
}
