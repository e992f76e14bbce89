// Translated strings come from the page (tether/pages/strings.py) as JSON, never as code.
const node = document.getElementById("tether-strings");
const strings = node ? JSON.parse(node.textContent) : {};

export const lang = document.documentElement.lang || "en";

/** The string for `key`, with `{name}` placeholders filled from `params`. */
export function t(key, params = {}) {
  let text = Object.hasOwn(strings, key) ? strings[key] : key;
  for (const [name, value] of Object.entries(params)) {
    text = text.replaceAll(`{${name}}`, String(value));
  }
  return text;
}

/** The words for a refused or failed API call (`error_<code>`, else a generic apology). */
export function errorText(error, params = {}) {
  const key = `error_${error.code}`;
  const text = t(key, params);
  return text === key ? t("error_generic") : text;
}
