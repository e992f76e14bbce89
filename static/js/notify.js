// System notifications of new messages, only once the person has asked for them with the
// "Enable notifications" button (the browser is never asked unprompted), and only for chats
// that are not muted while the page is hidden or another chat is open.
const CHOSEN = "tether.notifications";

export class Notifier {
  /** `button`: "Enable notifications"; `onOpen(chatId)` opens a chat from a notification. */
  constructor(button, { onOpen }) {
    this.button = button;
    this.onOpen = onOpen;
    this.shown = new Map(); // chat id → its notification on screen
    button.addEventListener("click", () => this.enable());
    this.render();
    document.addEventListener("visibilitychange", () => this.render());
  }

  get supported() {
    return typeof window.Notification === "function";
  }

  get chosen() {
    try {
      return localStorage.getItem(CHOSEN) === "on";
    } catch {
      return false;
    }
  }

  get enabled() {
    return this.supported && this.chosen && window.Notification.permission === "granted";
  }

  /** The button shows while notifications could still be turned on. */
  render() {
    const permission = this.supported ? window.Notification.permission : "denied";
    this.button.hidden = permission === "denied" || (permission === "granted" && this.chosen);
  }

  async enable() {
    if (!this.supported) return;
    let permission;
    try {
      permission = await window.Notification.requestPermission();
    } catch {
      permission = window.Notification.permission;
    }
    try {
      if (permission === "granted") localStorage.setItem(CHOSEN, "on");
    } catch {
      // Private mode without storage: they stay off.
    }
    this.render();
  }

  /** Tell of a new message (`title`: who or which chat, `body`: its words) in `chatId`. */
  show(chatId, { title, body }) {
    if (!this.enabled) return;
    let note;
    try {
      note = new window.Notification(title, { body, tag: chatId });
    } catch {
      return; // some browsers allow them only from a service worker
    }
    this.shown.get(chatId)?.close?.();
    this.shown.set(chatId, note);
    note.onclick = () => {
      window.focus();
      note.close?.();
      this.onOpen(chatId);
    };
    note.onclose = () => {
      if (this.shown.get(chatId) === note) this.shown.delete(chatId);
    };
  }

  /** The chat is being looked at: its notification goes. */
  seen(chatId) {
    this.shown.get(chatId)?.close?.();
    this.shown.delete(chatId);
  }
}
