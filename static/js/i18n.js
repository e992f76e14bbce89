// Translated strings come from the page (tether/pages/strings.py) as JSON, never as code.
const node = document.getElementById("tether-strings");
const strings = node ? JSON.parse(node.textContent) : {};

export const lang = document.documentElement.lang || "en";

const pluralRules = new Intl.PluralRules(lang);
const listFormat = new Intl.ListFormat(lang, { style: "long", type: "conjunction" });

/** The string for `key`, with `{name}` placeholders filled from `params`. */
export function t(key, params = {}) {
  let text = Object.hasOwn(strings, key) ? strings[key] : key;
  for (const [name, value] of Object.entries(params)) {
    text = text.replaceAll(`{${name}}`, String(value));
  }
  return text;
}

/**
 * The form of `key` for `count` ("{count} members"): strings.py gives `key_one`, `key_few`,
 * `key_many` and `key_other` (the language's own forms), and the language's plural rule
 * picks one; `{count}` is filled in, with `params`.
 */
export function plural(key, count, params = {}) {
  const form = `${key}_${pluralRules.select(count)}`;
  return t(Object.hasOwn(strings, form) ? form : `${key}_other`, { count, ...params });
}

/** "Ann, Boris and Vera" in the page's language. */
export function listOf(items) {
  return listFormat.format(items);
}

/** The words for a refused or failed API call (`error_<code>`, else a generic apology). */
export function errorText(error, params = {}) {
  const key = `error_${error.code}`;
  const text = t(key, params);
  return text === key ? t("error_generic") : text;
}
