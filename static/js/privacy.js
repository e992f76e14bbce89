// The profile page's privacy settings (last seen, read receipts, discovery by phone number) and
// the download of one's data.
import { api } from "./api.js";
import { errorText, t } from "./i18n.js";

export class PrivacyForm {
  constructor(form) {
    this.form = form;
    this.saved = form.querySelector(".privacy__saved");
    this.error = form.querySelector(".privacy__error");
    this.button = form.querySelector(".privacy__save");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    form.addEventListener("change", () => this.say(null));
  }

  async load() {
    try {
      const { data } = await api.get("/api/users/me/privacy", { retry: true });
      this.fill(data);
    } catch (error) {
      if (error.status !== 401) this.say(errorText(error), false);
      return;
    }
    for (const field of this.form.querySelectorAll("input, button")) field.disabled = false;
    this.form.setAttribute("aria-busy", "false");
  }

  fill(settings) {
    const fields = this.form.elements;
    for (const radio of fields.last_seen) radio.checked = radio.value === settings.last_seen;
    fields.read_receipts.checked = Boolean(settings.read_receipts);
    for (const radio of fields.phone_discovery) radio.checked = radio.value === settings.phone_discovery;
  }

  async save() {
    const fields = this.form.elements;
    const body = { read_receipts: fields.read_receipts.checked };
    if (fields.last_seen.value) body.last_seen = fields.last_seen.value;
    if (fields.phone_discovery.value) body.phone_discovery = fields.phone_discovery.value;
    this.button.disabled = true;
    this.say(null);
    try {
      const { data } = await api.patch("/api/users/me/privacy", body);
      this.fill(data);
      this.say(t("privacy_saved"), true);
    } catch (error) {
      if (error.status !== 401) this.say(errorText(error), false);
    } finally {
      this.button.disabled = false;
    }
  }

  /** `ok`: good news (true), a failure (false); null says nothing. */
  say(text, ok = null) {
    this.saved.hidden = ok !== true;
    this.error.hidden = ok !== false;
    if (ok === true) this.saved.textContent = text;
    if (ok === false) this.error.textContent = text;
  }
}

/** "Download my data": the file comes through a link to a blob, so a refusal can be said. */
export class DataExport {
  constructor(root) {
    this.button = root.querySelector(".export__download");
    this.error = root.querySelector(".export__error");
    this.button.addEventListener("click", () => this.download());
  }

  async download() {
    this.button.disabled = true;
    this.button.setAttribute("aria-busy", "true");
    this.error.hidden = true;
    try {
      const response = await fetch("/api/users/me/export", { credentials: "same-origin" });
      if (!response.ok) {
        this.error.textContent = response.status === 429 ? t("export_throttled") : t("error_generic");
        this.error.hidden = false;
        return;
      }
      const blob = await response.blob();
      const name = /filename="?([^";]+)"?/.exec(response.headers.get("Content-Disposition") || "")?.[1];
      const url = URL.createObjectURL(blob);
      const link = Object.assign(document.createElement("a"), { href: url, download: name || "tether-export.json" });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch {
      this.error.textContent = t("error_generic");
      this.error.hidden = false;
    } finally {
      this.button.disabled = false;
      this.button.removeAttribute("aria-busy");
    }
  }
}
