// "Forward": a modal list of one's chats (the most recently active first, narrowed by a name
// typed above it) to send a copy of a message to. The copy names the original author
// ("Forwarded from Ann"); it goes with its own client_id, so a repeated click stores it once.
import { api } from "./api.js";
import { chatFace, chatName, isGroup } from "./chatlist.js";
import { el, newClientId } from "./dom.js";
import { errorText, t } from "./i18n.js";

export class ForwardDialog {
  /** `list` is the page's ChatList; `onForwarded(chat, message)` hears of a forward stored. */
  constructor(dialog, { me, list, onForwarded }) {
    this.dialog = dialog;
    this.me = me;
    this.chats = list;
    this.onForwarded = onForwarded;
    this.record = null;
    this.returnFocus = null;
    this.busy = false;
    this.clientIds = new Map(); // chat id → the client_id of this record's forward there
    this.filter = dialog.querySelector(".forward__filter");
    this.list = dialog.querySelector(".forward__list");
    this.error = dialog.querySelector(".forward__error");
    dialog.querySelector(".forward__close").addEventListener("click", () => this.close());
    dialog.addEventListener("close", () => {
      this.record = null;
      this.returnFocus?.focus?.();
      this.returnFocus = null;
    });
    this.filter.addEventListener("input", () => this.render());
    this.filter.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        this.buttons()[0]?.focus();
      } else if (event.key === "Enter") {
        event.preventDefault();
        const buttons = this.buttons();
        if (buttons.length === 1) buttons[0].click();
      }
    });
    this.list.addEventListener("keydown", (event) => this.keydown(event));
  }

  /** Choose where to forward `record`; closing gives the focus back to `opener`. */
  open(record, opener) {
    this.record = record;
    this.returnFocus = opener;
    this.clientIds = new Map();
    this.busy = false;
    this.filter.value = "";
    this.say("");
    this.render();
    if (!this.dialog.open) this.dialog.showModal();
    (this.buttons()[0] || this.filter).focus();
  }

  close({ focus = true } = {}) {
    if (!focus) this.returnFocus = null;
    if (this.dialog.open) this.dialog.close();
  }

  /** The chat of the message is gone for us: so is the dialog. */
  closeFor(chatId) {
    if (this.record?.chat_id === chatId) this.close({ focus: false });
  }

  buttons() {
    return [...this.list.querySelectorAll("button[data-chat-id]")];
  }

  render() {
    const words = this.filter.value.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean);
    const chats = this.chats.ordered().filter((chat) => {
      const name = chatName(chat, this.me).toLocaleLowerCase();
      return words.every((word) => name.includes(word));
    });
    if (!chats.length) {
      this.list.replaceChildren(el("li", { class: "members__loading", text: t("no_chats_found") }));
      return;
    }
    this.list.replaceChildren(
      ...chats.map((chat) =>
        el(
          "li",
          {},
          el(
            "button",
            { type: "button", class: "forward__chat", dataset: { chatId: chat.id }, onclick: () => this.forward(chat) },
            chatFace(chat, this.me, "sm"),
            el(
              "span",
              { class: "forward__name", dir: "auto" },
              isGroup(chat) ? el("span", { class: "visually-hidden", text: `${t("group")}: ` }) : null,
              chatName(chat, this.me) || t("someone"),
            ),
          ),
        ),
      ),
    );
  }

  /** Up and Down move between the chats (Up from the first goes back to the field). */
  keydown(event) {
    const buttons = this.buttons();
    const index = buttons.indexOf(document.activeElement);
    if (index === -1) return;
    const moves = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: buttons.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = moves[event.key];
    if (next < 0) this.filter.focus();
    else buttons[Math.min(next, buttons.length - 1)].focus();
  }

  async forward(chat) {
    const record = this.record;
    if (!record?.id || this.busy) return;
    // The same chat again (after a lost answer, say) reuses the client_id: stored once.
    if (!this.clientIds.has(chat.id)) this.clientIds.set(chat.id, newClientId());
    const body = { chat_id: chat.id, forward_of_id: record.id, client_id: this.clientIds.get(chat.id) };
    this.busy = true;
    this.say("");
    this.list.setAttribute("aria-busy", "true");
    let message;
    try {
      ({ data: message } = await api.post("/api/messages", body));
    } catch (error) {
      if (this.record === record && error.status !== 401) this.say(forwardErrorText(error));
      return;
    } finally {
      this.busy = false;
      this.list.setAttribute("aria-busy", "false");
    }
    if (this.record !== record) return;
    this.close({ focus: false });
    this.onForwarded(chat, message);
  }

  say(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }
}

function forwardErrorText(error) {
  if (error.code === "validation_error") return t("error_forward");
  if (error.code === "not_found") return t("error_not_found");
  return errorText(error);
}
