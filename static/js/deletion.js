// Deleting one's account from the profile page: ask for a code (POST delete-code), count down
// to when a new one may be asked for, confirm with the code (DELETE /api/users/me), then leave
// through the page's logout form (a POST to /logout/), which ends the Django session and says
// that the account is gone.
import { api, onSignedOut } from "./api.js";
import { errorText, t } from "./i18n.js";

/** Log out the way the page's own "Log out" form does: /logout/ ends the Django session
 * only on a POST with the CSRF token (a plain visit ends nothing). */
function leaveThroughLogout() {
  const form = document.querySelector('form[action="/logout/"]');
  if (form) form.submit();
  else location.assign("/login/");
}

/** A live "You can ask for a new code in N s." that calls `done` when the time is up. */
class Countdown {
  constructor(node) {
    this.node = node;
    this.timer = null;
    this.endsAt = 0;
  }

  get running() {
    return this.endsAt > Date.now();
  }

  start(seconds, done) {
    clearTimeout(this.timer);
    this.endsAt = Date.now() + seconds * 1000;
    const tick = () => {
      const left = Math.ceil((this.endsAt - Date.now()) / 1000);
      if (left > 0) {
        this.node.textContent = t("resend_in", { seconds: left });
        this.node.hidden = false;
        this.timer = setTimeout(tick, 250);
        return;
      }
      this.node.hidden = true;
      this.node.textContent = "";
      done();
    };
    tick();
  }
}

/** What a 429 on asking for a code says: the wait, in minutes when it is long. */
function waitText(seconds) {
  if (seconds > 120) return t("ask_again_later", { minutes: Math.ceil(seconds / 60) });
  return t("ask_again_in", { seconds: Math.max(1, seconds) });
}

export class AccountDeletion {
  constructor(root) {
    this.heading = root.querySelector("h2");
    this.alert = root.querySelector(".deletion__alert");
    this.start = root.querySelector(".deletion__start");
    this.askButton = root.querySelector(".deletion__ask");
    this.askWait = new Countdown(root.querySelector(".deletion__wait"));
    this.form = root.querySelector(".deletion__confirm");
    this.field = this.form.elements.code;
    this.fieldError = root.querySelector("#id_code-error");
    this.submitButton = this.form.querySelector('button[type="submit"]');
    this.resendButton = root.querySelector(".deletion__resend");
    this.resendWait = new Countdown(root.querySelector(".resend__countdown"));
    this.expiresAt = 0;

    this.askButton.addEventListener("click", () => this.ask());
    this.resendButton.addEventListener("click", () => this.ask({ again: true }));
    root.querySelector(".deletion__cancel").addEventListener("click", () => this.cancel());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.confirm();
    });
    // Digits only (people paste "123 456" or "123-456").
    this.field.addEventListener("input", () => {
      const digits = this.field.value.replace(/\D/g, "").slice(0, 6);
      if (digits !== this.field.value) this.field.value = digits;
      this.showFieldError("");
    });
  }

  /** Text a code, or, while the last one is still valid, just show its form again. */
  async ask({ again = false } = {}) {
    if (!again && this.expiresAt > Date.now()) {
      this.showForm();
      return;
    }
    const button = again ? this.resendButton : this.askButton;
    button.disabled = true;
    this.say("");
    let sent;
    try {
      ({ data: sent } = await api.post("/api/users/me/delete-code"));
    } catch (error) {
      button.disabled = false;
      if (error.status === 401) return;
      if (error.code === "throttled") this.refused(error.retryAfter || 60, again);
      else this.say(errorText(error));
      return;
    }
    button.disabled = false;
    this.expiresAt = Date.now() + sent.expires_in * 1000;
    this.field.value = "";
    this.showFieldError("");
    this.showForm();
    this.waitToResend(sent.resend_in);
  }

  /** Asked too soon: say so, and offer the button again once the wait is over. */
  refused(seconds, again) {
    this.say(waitText(seconds));
    if (again) {
      this.waitToResend(seconds);
      return;
    }
    this.askButton.disabled = true;
    this.askWait.start(seconds, () => {
      this.askButton.disabled = false;
      this.say("");
    });
  }

  waitToResend(seconds) {
    this.resendButton.hidden = true;
    this.resendWait.start(seconds, () => {
      this.resendButton.hidden = false;
    });
  }

  showForm() {
    this.start.hidden = true;
    this.form.hidden = false;
    this.field.focus();
  }

  cancel() {
    this.form.hidden = true;
    this.start.hidden = false;
    this.say("");
    this.askButton.focus();
  }

  async confirm() {
    const code = this.field.value;
    if (!/^\d{6}$/.test(code)) {
      this.showFieldError(t("code_format"));
      this.field.focus();
      return;
    }
    this.submitButton.disabled = true;
    this.say("");
    try {
      await api.delete("/api/users/me", { code });
    } catch (error) {
      this.submitButton.disabled = false;
      if (error.status === 401) return;
      if (error.code === "validation_error") this.showFieldError(t("code_format"));
      else this.showFieldError(errorText(error, { seconds: error.retryAfter || 1 }));
      if (error.code === "code_expired" || error.code === "too_many_attempts") this.expiresAt = 0;
      this.field.focus();
      this.field.select();
      return;
    }
    // The sign-in is over: the socket's 4001 and any 401 from now on are expected, and
    // /logout/ says what happened (not /login/). The page is leaving, so this stays.
    onSignedOut((event) => event.preventDefault());
    leaveThroughLogout();
  }

  showFieldError(text) {
    this.fieldError.textContent = text;
    this.fieldError.hidden = !text;
    if (text) this.field.setAttribute("aria-invalid", "true");
    else this.field.removeAttribute("aria-invalid");
    this.field.closest(".field").classList.toggle("has-error", Boolean(text));
  }

  say(text) {
    this.alert.textContent = text;
    this.alert.hidden = !text;
  }
}
