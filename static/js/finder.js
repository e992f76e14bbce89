// Message search in the chat list (the field named `search`): each message found shows its
// sender, its chat, its words with the query's words marked, and its time; choosing one opens
// its chat at that message. Newest first, a page at a time ("Load more").
import { api } from "./api.js";
import { chatName } from "./chatlist.js";
import { el, formatFull, formatListTime } from "./dom.js";
import { plural, t } from "./i18n.js";
import { people } from "./people.js";

const DEBOUNCE_MS = 300;
const PAGE = 20;
const SNIPPET = 140;

/** Stems of the query's words: the server finds any grammatical form, so a word of the
 * message is marked when it begins like one of them ("сообщениями" marks "сообщение"). */
export function stems(query) {
  return query
    .toLowerCase()
    .replaceAll("ё", "е")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((word) => (word.length > 4 ? word.slice(0, Math.max(3, word.length - 3)) : word));
}

/** `text` as text nodes and <mark>s around the words that begin with a stem (never HTML). */
export function marked(text, wordStems) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = match[0].toLowerCase().replaceAll("ё", "е");
    if (!wordStems.some((stem) => word.startsWith(stem))) continue;
    fragment.append(document.createTextNode(text.slice(last, match.index)));
    fragment.append(el("mark", { text: match[0] }));
    last = match.index + match[0].length;
  }
  fragment.append(document.createTextNode(text.slice(last)));
  return fragment;
}

/** Up to SNIPPET characters of `text` around its first marked word. */
function snippet(text, wordStems) {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= SNIPPET) return flat;
  let at = 0;
  for (const match of flat.matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = match[0].toLowerCase().replaceAll("ё", "е");
    if (wordStems.some((stem) => word.startsWith(stem))) {
      at = match.index;
      break;
    }
  }
  const start = Math.max(0, Math.min(at - 30, flat.length - SNIPPET));
  return `${start ? "…" : ""}${flat.slice(start, start + SNIPPET)}${start + SNIPPET < flat.length ? "…" : ""}`;
}

export class MessageFinder {
  /** `onOpen(message)` opens the chat at the message; `onToggle(shown)`. */
  constructor(form, { me, list, onOpen, onToggle }) {
    this.form = form;
    this.field = form.elements.search;
    this.me = me;
    this.list = list;
    this.onOpen = onOpen;
    this.onToggle = onToggle;
    this.panel = document.getElementById("found-panel");
    this.status = document.getElementById("found-status");
    this.results = document.getElementById("found-results");
    this.more = this.panel.querySelector(".found__more");
    this.timer = null;
    this.asked = 0;
    this.cursor = null;
    this.shownFor = null;

    this.field.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.run(), DEBOUNCE_MS);
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearTimeout(this.timer);
      if (this.shownFor !== this.query) await this.run();
      this.results.querySelector("button")?.focus();
    });
    this.field.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.field.value) {
        event.preventDefault();
        this.clear();
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        this.results.querySelector("button")?.focus();
      }
    });
    this.results.addEventListener("keydown", (event) => this.keydown(event));
    this.more.addEventListener("click", () => this.loadMore());
  }

  get query() {
    return this.field.value.trim();
  }

  async run() {
    const query = this.query;
    const asked = ++this.asked;
    if (!query) {
      this.hide();
      return;
    }
    this.show();
    this.status.textContent = t("searching");
    this.more.hidden = true;
    let answer;
    try {
      answer = await api.get(`/api/search/messages?q=${encodeURIComponent(query.slice(0, 100))}&limit=${PAGE}`);
    } catch (error) {
      if (asked === this.asked) this.status.textContent = error.status === 401 ? "" : t("search_failed");
      return;
    }
    if (asked !== this.asked) return;
    this.shownFor = query;
    this.results.replaceChildren();
    this.append(answer, query);
  }

  async loadMore() {
    const query = this.shownFor;
    const asked = this.asked;
    if (!query || !this.cursor) return;
    this.more.disabled = true;
    let answer;
    try {
      answer = await api.get(
        `/api/search/messages?q=${encodeURIComponent(query.slice(0, 100))}&limit=${PAGE}&cursor=${encodeURIComponent(this.cursor)}`,
      );
    } catch (error) {
      if (asked === this.asked) this.status.textContent = error.status === 401 ? "" : t("search_failed");
      return;
    } finally {
      this.more.disabled = false;
    }
    if (asked !== this.asked) return;
    const first = this.results.children.length;
    this.append(answer, query);
    this.results.children[first]?.querySelector("button")?.focus();
  }

  append({ data, meta }, query) {
    const wordStems = stems(query);
    this.results.append(...data.map((message) => this.item(message, wordStems)));
    this.cursor = meta?.has_more ? meta.next_cursor : null;
    this.more.hidden = !this.cursor;
    const count = this.results.children.length;
    this.status.textContent = count
      ? this.cursor ? plural("messages_found_more", count) : plural("messages_found", count)
      : t("no_messages_found");
  }

  item(message, wordStems) {
    const chat = this.list.get(message.chat_id);
    const chatTitle = chat ? chatName(chat, this.me) : "";
    const sender = message.sender_id === this.me.id ? t("you_sender") : people.nameOf(message.sender_id) || t("someone");
    const time = new Date(message.created_at);
    const button = el(
      "button",
      { type: "button", class: "found", dataset: { messageId: message.id, chatId: message.chat_id, seq: message.seq } },
      el(
        "span",
        { class: "found__top" },
        el("span", { class: "found__who", dir: "auto" }, el("span", { class: "found__sender", text: sender }),
          chatTitle && chatTitle !== sender ? el("span", { class: "found__chat", text: ` · ${chatTitle}` }) : null),
        el("time", { class: "found__time", datetime: message.created_at, title: formatFull(time), text: formatListTime(time) }),
      ),
      el("span", { class: "found__text", dir: "auto" }, marked(snippet(message.content, wordStems), wordStems)),
    );
    button.addEventListener("click", () => this.onOpen(message));
    return el("li", {}, button);
  }

  keydown(event) {
    const buttons = [...this.results.querySelectorAll("button")];
    const index = buttons.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      this.field.focus();
      return;
    }
    if (index === -1 || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) return;
    event.preventDefault();
    if (event.key === "ArrowUp" && index === 0) this.field.focus();
    else if (event.key === "ArrowDown" && index === buttons.length - 1 && !this.more.hidden) this.more.focus();
    else buttons[Math.min(buttons.length - 1, index + (event.key === "ArrowDown" ? 1 : -1))].focus();
  }

  show() {
    if (!this.panel.hidden) return;
    this.panel.hidden = false;
    this.onToggle(true);
  }

  hide() {
    this.shownFor = null;
    this.cursor = null;
    this.results.replaceChildren();
    this.status.textContent = "";
    this.more.hidden = true;
    if (this.panel.hidden) return;
    this.panel.hidden = true;
    this.onToggle(false);
  }

  clear() {
    this.asked += 1;
    this.field.value = "";
    this.hide();
  }
}
