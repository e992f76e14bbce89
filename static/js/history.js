// A chat's history from the server: the latest page when it is first opened, older pages on
// scrolling up, and catching up on everything after the newest message held (after a reconnect
// or a gap in the live messages), and older pages until a given message is there (a reply's quote
// or the pinned message pressed). One load of each kind at a time per chat.
import { api } from "./api.js";

const PAGE_SIZE = 50;
const LARGEST_PAGE = 100;

export class HistoryLoader {
  /**
   * `current()` is the open chat's state (or null); `accept` puts a stored message on screen;
   * `onFirstPage(wasAtBottom)` shows the open chat's first page; `onMissing` says the open chat
   * is gone; `onGone(chatId)` that catching up found a chat no longer ours; `onCaughtUp` runs
   * when the open chat has caught up; `onError(code)` says what went wrong.
   */
  constructor(view, { current, accept, onFirstPage, onMissing, onGone, onCaughtUp, onError }) {
    this.view = view;
    this.current = current;
    this.accept = accept;
    this.onFirstPage = onFirstPage;
    this.onMissing = onMissing;
    this.onGone = onGone;
    this.onCaughtUp = onCaughtUp;
    this.onError = onError;

    const list = view.list;
    const loader = view.loader;
    loader.querySelector("button").addEventListener("click", () => this.loadOlder());
    new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) this.loadOlder();
    }, { root: list, rootMargin: "200px 0px 0px 0px" }).observe(loader);
    list.addEventListener("scroll", () => {
      if (list.scrollTop < 150) this.loadOlder();
    });
  }

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
      // Tried again while the chat is open; a chat not open catches up after the next reconnect.
      page = await api.get(`/api/chats/${state.chat.id}/messages?limit=${PAGE_SIZE}`, {
        retry: () => this.current() === state,
      });
    } catch (error) {
      if (this.current() !== state) return;
      if (error.status === 404) this.onMissing();
      else if (error.status !== 401) this.onError(error.code);
      return;
    }
    const wasAtBottom = this.current() !== state || this.view.nearBottom();
    for (const message of page.data) this.accept(state, message, { quiet: true });
    state.hasMore = Boolean(page.meta.has_more);
    state.loaded = true;
    if (this.current() === state) this.onFirstPage(wasAtBottom);
    // Something arrived while the page was on its way: it may be newer than the page.
    if (state.arrivedWhileLoading) this.sync(state);
  }

  /** The page before the oldest message of the open chat; settles when it is in. */
  loadOlder(limit = PAGE_SIZE) {
    const state = this.current();
    if (!state || !state.loaded || !state.hasMore) return Promise.resolve();
    if (state.olderLoading) return state.olderLoading;
    state.olderLoading = (async () => {
      const list = this.view.list;
      list.setAttribute("aria-busy", "true");
      try {
        const before = state.firstSeq;
        const page = await api.get(`/api/chats/${state.chat.id}/messages?before_seq=${before}&limit=${limit}`);
        const apply = () => {
          for (const message of page.data) this.accept(state, message, { quiet: true });
        };
        if (this.current() === state) this.view.keepPosition(apply);
        else apply();
        state.hasMore = Boolean(page.meta.has_more) && page.data.length > 0;
        // Still at the top (short pages): keep filling the screen.
        if (this.current() === state && state.hasMore && this.view.list.scrollTop < 150) {
          setTimeout(() => this.loadOlder(), 0);
        }
      } catch (error) {
        if (this.current() === state) this.onError(error.code);
      } finally {
        list.removeAttribute("aria-busy");
        state.olderLoading = null;
        if (this.current() === state) this.view.updateLoader();
      }
    })();
    return state.olderLoading;
  }

  /** Older pages of the open chat `state` until its history reaches `seq` (or ends). */
  async loadUntil(state, seq) {
    while (this.current() === state && state.loaded && state.hasMore && state.firstSeq > seq) {
      const before = state.firstSeq;
      await this.loadOlder(LARGEST_PAGE);
      if (state.firstSeq === before) return; // refused, or nothing older after all
    }
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
            const { data, meta } = await api.get(
              `/api/chats/${state.chat.id}/messages?after_seq=${state.lastSeq}&limit=100`,
            );
            for (const message of data) this.accept(state, message);
            if (!meta.has_more || data.length === 0) break;
          }
        } while (state.syncAgain);
      } catch (error) {
        // Not ours any more (removed while away): the page asks about the chat and lets it go.
        if (error.status === 404) this.onGone(state.chat.id);
        // Else the next reconnect syncs again.
        else if (error.status !== 401) console.warn(`Tether: chat ${state.chat.id} could not catch up.`, error);
      } finally {
        state.syncing = null;
      }
      if (this.current() === state) this.onCaughtUp();
    })();
    return state.syncing;
  }
}
