// "Read by": who of a group has read one of one's own messages (GET /api/messages/{id}/readers),
// in a modal that follows chat.read while it is open, so a tick that turns double and this
// list never disagree.
import { api } from "./api.js";
import { avatar } from "./avatars.js";
import { el } from "./dom.js";
import { errorText, plural, t } from "./i18n.js";
import { people } from "./people.js";

export class ReadersDialog {
  constructor(dialog) {
    this.dialog = dialog;
    this.record = null;
    this.others = 0;
    this.returnFocus = null;
    this.asked = 0;
    this.count = dialog.querySelector(".readers__count");
    this.list = dialog.querySelector(".readers__list");
    this.error = dialog.querySelector(".readers__error");
    dialog.querySelector(".readers__close").addEventListener("click", () => this.close());
    dialog.addEventListener("close", () => {
      this.record = null;
      this.returnFocus?.focus?.();
      this.returnFocus = null;
    });
  }

  /** Who read `record` (one's own message in a group of `others` other members); closing it
   * gives the focus back to `opener`. */
  open(record, others, opener) {
    this.record = record;
    this.others = others;
    this.returnFocus = opener;
    this.count.textContent = "";
    this.say("");
    this.list.setAttribute("aria-busy", "true");
    this.list.replaceChildren(el("li", { class: "members__loading", text: t("loading") }));
    if (!this.dialog.open) this.dialog.showModal();
    this.load();
  }

  close() {
    if (this.dialog.open) this.dialog.close();
  }

  /** The chat is gone for us: so is the list. */
  closeFor(chatId) {
    if (this.record?.chat_id === chatId) this.close();
  }

  /** chat.read in `chatId` reached `seq`: the open list may have grown. */
  onRead(chatId, seq) {
    const record = this.record;
    if (record && record.chat_id === chatId && seq >= record.seq) this.load();
  }

  async load() {
    const record = this.record;
    if (!record?.id) return;
    this.asked += 1;
    const asked = this.asked;
    let readers;
    try {
      ({ data: readers } = await api.get(`/api/messages/${record.id}/readers`));
    } catch (error) {
      if (this.record === record && asked === this.asked && error.status !== 401) {
        this.list.replaceChildren();
        this.say(errorText(error));
      }
      return;
    } finally {
      if (asked === this.asked) this.list.setAttribute("aria-busy", "false");
    }
    // An older answer that comes after a newer one says less: it is dropped.
    if (this.record !== record || asked !== this.asked) return;
    people.remember(readers);
    this.render(readers);
  }

  render(readers) {
    this.count.textContent = plural("read_by_count", readers.length, { total: this.others });
    if (!readers.length) {
      this.list.replaceChildren(el("li", { class: "members__loading", text: t("read_by_nobody") }));
      return;
    }
    this.list.replaceChildren(
      ...readers.map((user) =>
        el(
          "li",
          { class: "member", dataset: { readerId: user.id } },
          avatar(user, "sm"),
          el(
            "div",
            { class: "member__body" },
            el("span", { class: "member__name", dir: "auto", text: user.display_name || t("someone") }),
          ),
        ),
      ),
    );
  }

  say(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }
}
