// DOM helpers. User data only ever reaches the page through textContent and checked attributes.
import { lang, t } from "./i18n.js";

/** el("li", {class: "x", dataset: {seq: 1}, text: "hi"}, child, ...) */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "hidden") node.hidden = Boolean(value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?'"»)\]}]+$/;

/** Text with its http(s) links made clickable: a fragment of text nodes and safe anchors. */
export function linkify(text) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let trailing = match[0].match(TRAILING)?.[0] || "";
    let raw = match[0].slice(0, match[0].length - trailing.length);
    // Keep a closing parenthesis that closes one opened inside the link (wikipedia-style).
    while (trailing.startsWith(")") && count(raw, "(") > count(raw, ")")) {
      raw += ")";
      trailing = trailing.slice(1);
    }
    let url;
    try {
      url = new URL(raw);
    } catch {
      continue;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") continue;
    fragment.append(document.createTextNode(text.slice(last, match.index)));
    fragment.append(
      el("a", { href: url.href, target: "_blank", rel: "noopener noreferrer nofollow", text: raw }),
    );
    last = match.index + raw.length;
  }
  fragment.append(document.createTextNode(text.slice(last)));
  return fragment;
}

function count(text, char) {
  return text.split(char).length - 1;
}

/** `value` as an absolute http(s) URL, or null (no other scheme reaches an attribute). */
export function safeHttpUrl(value) {
  if (!value) return null;
  try {
    const url = new URL(value, location.href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

// --- time --------------------------------------------------------------------------------

const timeFormat = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" });
const weekdayFormat = new Intl.DateTimeFormat(lang, { weekday: "short" });
const shortDateFormat = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short" });
const dayFormat = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long" });
const fullDayFormat = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric" });
const fullFormat = new Intl.DateTimeFormat(lang, { dateStyle: "full", timeStyle: "short" });
const dateTimeFormat = new Intl.DateTimeFormat(lang, {
  day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
});
const yearDateTimeFormat = new Intl.DateTimeFormat(lang, {
  day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
});

export function dayKey(date) {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

function daysAgo(date) {
  const start = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  return Math.round((start(new Date()) - start(date)) / 86400000);
}

export const formatTime = (date) => timeFormat.format(date);
export const formatFull = (date) => fullFormat.format(date);

/** "14:05" today, "Tue" this week, "12 Mar" before. */
export function formatListTime(date) {
  const ago = daysAgo(date);
  if (ago <= 0) return timeFormat.format(date);
  if (ago < 7) return weekdayFormat.format(date);
  return shortDateFormat.format(date);
}

/** The day separator's label. */
export function formatDay(date) {
  const ago = daysAgo(date);
  if (ago === 0) return t("today");
  if (ago === 1) return t("yesterday");
  if (date.getFullYear() === new Date().getFullYear()) return dayFormat.format(date);
  return fullDayFormat.format(date);
}

/** "today at 14:05", "yesterday at 09:12", "12 Mar, 14:05". */
export function formatWhen(date) {
  const ago = daysAgo(date);
  if (ago <= 0) return t("today_at", { time: timeFormat.format(date) });
  if (ago === 1) return t("yesterday_at", { time: timeFormat.format(date) });
  if (date.getFullYear() === new Date().getFullYear()) return dateTimeFormat.format(date);
  return yearDateTimeFormat.format(date);
}

/** The header's presence line. */
export function formatPresence(user) {
  if (!user) return "";
  if (user.online) return t("online");
  if (!user.last_seen) return t("offline");
  const seen = new Date(user.last_seen);
  const ago = daysAgo(seen);
  let when;
  if (ago <= 0) when = t("today_at", { time: timeFormat.format(seen) });
  else if (ago === 1) when = t("yesterday_at", { time: timeFormat.format(seen) });
  else when = shortDateFormat.format(seen);
  return t("last_seen", { when });
}

/** Length in code points, as the server counts it. */
export function codePoints(text) {
  return Array.from(text).length;
}

/** A UUID v4 for client_id (crypto.randomUUID needs a secure context; this does not). */
export function newClientId() {
  if (crypto.randomUUID && window.isSecureContext) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
