// Reactions: the chips under a message (each emoji with its count, one's own pressed) and the
// small picker that "React" opens: common emoji, and a field that takes any one emoji. One
// reaction per person per message; picking one's own again takes it away.
import { el } from "./dom.js";
import { listOf, t } from "./i18n.js";

export const COMMON_EMOJI = ["👍", "❤️", "😂", "😮", "😢", "🙏", "🔥", "🎉"];

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;

/** Exactly one emoji (one grapheme cluster: skin tones, flags and ZWJ sequences included). */
export function isOneEmoji(text) {
  if (!text) return false;
  const clusters = [...graphemes.segment(text)];
  return clusters.length === 1 && PICTOGRAPHIC.test(text);
}

/** The emoji `userId` reacted with to a message (its `reactions`), or null. */
export function reactionOf(reactions, userId) {
  return (reactions || []).find((reaction) => reaction.user_ids?.includes(userId))?.emoji || null;
}

/** `reactions` with `userId`'s reaction made `emoji` (null: taken away), as the server will. */
export function withReaction(reactions, userId, emoji) {
  const result = [];
  for (const reaction of reactions || []) {
    const had = reaction.user_ids.includes(userId);
    const has = reaction.emoji === emoji;
    const userIds = reaction.user_ids.filter((id) => id !== userId);
    if (has) userIds.push(userId);
    const count = reaction.count - (had ? 1 : 0) + (has ? 1 : 0);
    if (count > 0) result.push({ emoji: reaction.emoji, count, user_ids: userIds });
  }
  if (emoji && !result.some((reaction) => reaction.emoji === emoji)) {
    result.push({ emoji, count: 1, user_ids: [userId] });
  }
  return result;
}

/**
 * Draw a message's reactions into `row` (its `.msg__reactions`), reusing the chips already
 * there so that a focused one keeps the focus. `nameOf(id)` names the people in a chip's
 * title; `onToggle(emoji)` runs when a chip is pressed.
 */
export function renderReactions(row, reactions, { meId, nameOf, onToggle }) {
  const chips = new Map([...row.children].map((chip) => [chip.dataset.reaction, chip]));
  const wanted = reactions.map((reaction) => {
    let chip = chips.get(reaction.emoji);
    chips.delete(reaction.emoji);
    if (!chip) {
      chip = el(
        "button",
        { type: "button", class: "reaction", dataset: { reaction: reaction.emoji } },
        el("span", { class: "reaction__emoji", text: reaction.emoji }),
        el("span", { class: "reaction__count" }),
      );
      chip.addEventListener("click", () => onToggle(chip.dataset.reaction));
    }
    const mine = reaction.user_ids.includes(meId);
    chip.dataset.count = String(reaction.count);
    chip.setAttribute("aria-pressed", String(mine));
    chip.lastChild.textContent = String(reaction.count);
    const names = reaction.user_ids.map((id) => (nameOf(id) ?? "…") || t("someone"));
    chip.title = names.length ? listOf(names) : "";
    return chip;
  });
  for (const chip of chips.values()) chip.remove();
  wanted.forEach((chip, index) => {
    if (row.children[index] !== chip) row.insertBefore(chip, row.children[index] || null);
  });
  row.hidden = wanted.length === 0;
}

/** Left, Right, Up, Down, Home and End move between `buttons`. */
function arrowKeys(buttons, event) {
  const index = buttons.indexOf(document.activeElement);
  const moves = {
    ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1,
    Home: 0, End: buttons.length - 1,
  };
  if (index === -1 || !(event.key in moves)) return;
  event.preventDefault();
  buttons[(moves[event.key] + buttons.length) % buttons.length].focus();
}

/**
 * The picker of one message's reaction: `mine` is the caller's emoji (pressed); `onPick(emoji)`
 * hears the choice. Returns `{node, first}` (`first`: where the focus goes when it opens).
 */
export function emojiPicker({ mine, onPick }) {
  const buttons = COMMON_EMOJI.map((emoji) =>
    el("button", {
      type: "button",
      class: "emoji",
      dataset: { emoji },
      "aria-pressed": String(emoji === mine),
      text: emoji,
      onclick: () => onPick(emoji),
    }),
  );
  const row = el("div", { class: "emoji-picker__row", role: "group", "aria-label": t("common_emoji") }, ...buttons);
  row.addEventListener("keydown", (event) => arrowKeys(buttons, event));

  const field = el("input", {
    type: "text",
    name: "emoji",
    class: "emoji-picker__field",
    placeholder: t("any_emoji"),
    "aria-label": t("any_emoji"),
    autocomplete: "off",
    spellcheck: "false",
    enterkeyhint: "done",
    maxlength: "64",
  });
  const error = el("p", { class: "emoji-picker__error", role: "alert", hidden: true });
  const form = el(
    "form",
    { class: "emoji-picker__any", novalidate: true },
    field,
    el("button", { type: "submit", class: "button button--ghost button--small", text: t("add_reaction") }),
  );
  field.addEventListener("input", () => {
    error.hidden = true;
    field.removeAttribute("aria-invalid");
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const emoji = field.value.trim();
    if (!isOneEmoji(emoji)) {
      error.textContent = t("emoji_one");
      error.hidden = false;
      field.setAttribute("aria-invalid", "true");
      field.focus();
      return;
    }
    onPick(emoji);
  });
  const node = el(
    "div",
    { class: "msg__picker", role: "dialog", "aria-label": t("choose_reaction") },
    row,
    form,
    error,
  );
  return { node, first: buttons.find((button) => button.dataset.emoji === mine) || buttons[0] };
}
