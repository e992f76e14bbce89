// The people the page has heard of, by id: whoever a chat's members, a member list or a search
// named, so that a system message or a sender can be named. Someone no chat lists any more (a
// member who left) is asked for once (GET /api/users/{id}); subscribers hear when they come.
import { api } from "./api.js";

class People {
  #users = new Map(); // id → user
  #asked = new Set(); // ids fetched (or being fetched) once
  #events = new EventTarget();
  #timer = null;

  /** Keep the newest copy of these users (objects with at least `id` and `display_name`). */
  remember(users) {
    for (const user of users || []) {
      if (user?.id) this.#users.set(user.id, user);
    }
  }

  get(id) {
    return this.#users.get(id) || null;
  }

  /** The name of `id`, or null while it is being fetched (subscribers hear when it comes). */
  nameOf(id) {
    const user = this.#users.get(id);
    if (user) return user.display_name || "";
    if (id && !this.#asked.has(id)) this.#fetch(id);
    return null;
  }

  /** `listener()` runs after names arrived; returns the function that unsubscribes. */
  subscribe(listener) {
    const handler = () => listener();
    this.#events.addEventListener("change", handler);
    return () => this.#events.removeEventListener("change", handler);
  }

  async #fetch(id) {
    this.#asked.add(id);
    try {
      const { data } = await api.get(`/api/users/${id}`, { retry: true });
      if (!this.#users.has(id)) this.#users.set(id, data);
    } catch (error) {
      // Gone for good (a deactivated account): named as "someone" from now on.
      if (error.status !== 401) this.#users.set(id, { id, display_name: "" });
    }
    // Several names often come at once (a page of history): one redraw for them.
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#events.dispatchEvent(new Event("change")), 30);
  }
}

/** The page's one directory of people. */
export const people = new People();
