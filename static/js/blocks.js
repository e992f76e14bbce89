// The people one blocks: the page's one copy of GET /api/users/blocked, kept in step with one's
// own blocks and unblocks, for whoever subscribes (the open chat, the profile page's list).
import { api } from "./api.js";

class BlockStore {
  #users = new Map(); // id → user, as GET /api/users/blocked gives them
  #loaded = false;
  #loading = null;
  #loadAgain = false;
  #changes = 0; // one's own blocks and unblocks, so that an older answer does not undo them
  #events = new EventTarget();

  /** Whether the list has come from the server at least once. */
  get loaded() {
    return this.#loaded;
  }

  /** The people one blocks, in the server's order (newer blocks of one's own last). */
  get users() {
    return [...this.#users.values()];
  }

  has(userId) {
    return Boolean(userId) && this.#users.has(userId);
  }

  /** `listener(store)` runs after every change; returns the function that unsubscribes. */
  subscribe(listener) {
    const handler = () => listener(this);
    this.#events.addEventListener("change", handler);
    return () => this.#events.removeEventListener("change", handler);
  }

  /**
   * Fetch the list (again). One request at a time: a call meanwhile fetches once more after it,
   * since its answer may predate what the caller knows. Transient failures are retried; the
   * last list stands until then.
   */
  load() {
    if (this.#loading) {
      this.#loadAgain = true;
      return this.#loading;
    }
    this.#loading = this.#fetch().finally(() => {
      this.#loading = null;
    });
    return this.#loading;
  }

  async #fetch() {
    do {
      this.#loadAgain = false;
      const changesBefore = this.#changes;
      let users;
      try {
        ({ data: users } = await api.get("/api/users/blocked", { retry: true }));
      } catch (error) {
        // A 401 is on its way to /login/; anything else was refused, so a retry would be too.
        if (error.status !== 401) console.warn("Tether: the people you block could not be loaded.", error);
        return;
      }
      // One's own block or unblock happened meanwhile: this answer may not have it.
      if (changesBefore !== this.#changes) {
        this.#loadAgain = true;
        continue;
      }
      this.#users = new Map(users.map((user) => [user.id, user]));
      this.#loaded = true;
      this.#changed();
    } while (this.#loadAgain);
  }

  /** Block `user` (an object with at least its `id`); throws the ApiError when refused. */
  async block(user) {
    await api.post(`/api/users/${user.id}/block`);
    this.#changes += 1;
    if (!this.#users.has(user.id)) this.#users.set(user.id, user);
    this.#changed();
  }

  /** Unblock the user `userId`; throws the ApiError when refused. */
  async unblock(userId) {
    await api.delete(`/api/users/${userId}/block`);
    this.#changes += 1;
    this.#users.delete(userId);
    this.#changed();
  }

  #changed() {
    this.#events.dispatchEvent(new Event("change"));
  }
}

/** The page's one store of the people one blocks. */
export const blocks = new BlockStore();
