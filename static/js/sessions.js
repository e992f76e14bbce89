// The profile page's list of sign-ins ("sessions"): each other one can be revoked, or all of
// them at once, and the list follows without a reload.
import { api } from "./api.js";
import { el, formatFull, formatWhen } from "./dom.js";
import { errorText, t } from "./i18n.js";

function deviceName(session) {
  return !session.device || session.device === "Unknown device" ? t("unknown_device") : session.device;
}

export class SessionList {
  constructor(root) {
    this.root = root;
    this.heading = root.querySelector("h2");
    this.list = root.querySelector(".sessions");
    this.status = root.querySelector(".sessions__status");
    this.none = root.querySelector(".sessions__none");
    this.othersButton = root.querySelector(".sessions__others");
    this.loading = null;
    this.loadAgain = false;
    this.othersButton.addEventListener("click", () => this.revokeOthers());
  }

  /** Fetch the list (one request at a time; a call meanwhile fetches once more after it). */
  load() {
    if (this.loading) {
      this.loadAgain = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.loadAgain = false;
        try {
          // Retried until it comes, saying meanwhile that it has not.
          const { data } = await api.get("/api/auth/sessions", {
            retry: () => {
              this.say(t("sessions_failed"));
              return true;
            },
          });
          this.render(data);
          if (this.status.textContent === t("sessions_failed")) this.say("");
        } catch (error) {
          if (error.status === 401) return; // on the way to /login/
          this.say(t("sessions_failed"));
          return;
        }
      } while (this.loadAgain);
    })().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  render(sessions) {
    const ordered = [...sessions].sort(
      (a, b) => Number(b.current) - Number(a.current) || Date.parse(b.last_used_at) - Date.parse(a.last_used_at),
    );
    const focusedId = document.activeElement?.closest?.("[data-session-id]")?.dataset.sessionId;
    this.list.replaceChildren(...ordered.map((session) => this.row(session)));
    this.list.removeAttribute("aria-busy");
    const others = ordered.filter((session) => !session.current).length;
    this.none.hidden = others > 0;
    this.othersButton.hidden = others === 0;
    if (focusedId) this.list.querySelector(`[data-session-id="${CSS.escape(focusedId)}"] button`)?.focus();
  }

  row(session) {
    const nameId = `session-${session.id}`;
    const used = new Date(session.last_used_at);
    const name = el(
      "p",
      { class: "session__device", id: nameId },
      el("span", { text: deviceName(session) }),
      session.current ? el("span", { class: "tag", text: t("this_device") }) : null,
    );
    const meta = el(
      "p",
      { class: "session__meta" },
      session.ip ? el("span", { class: "session__ip", text: session.ip }) : null,
      el("time", {
        datetime: session.last_used_at,
        title: formatFull(used),
        text: t("last_used", { when: formatWhen(used) }),
      }),
    );
    const item = el(
      "li",
      { class: "session", dataset: { sessionId: session.id, current: String(Boolean(session.current)) } },
      el("div", { class: "session__body" }, name, meta),
    );
    if (!session.current) {
      const button = el("button", {
        type: "button",
        class: "button button--ghost session__revoke",
        "aria-describedby": nameId,
        text: t("revoke"),
      });
      button.addEventListener("click", () => this.revoke(session, item, button));
      item.append(button);
    }
    return item;
  }

  async revoke(session, item, button) {
    button.disabled = true;
    try {
      await api.delete(`/api/auth/sessions/${session.id}`);
    } catch (error) {
      if (error.status === 401) return;
      if (error.status !== 404) {
        // 404: it had ended already, which is what was asked.
        button.disabled = false;
        this.say(errorText(error));
        return;
      }
    }
    this.removeRow(item);
    this.say(t("session_revoked", { device: deviceName(session) }));
    this.load();
  }

  /** Take a row out, keeping the keyboard focus in the list rather than losing it. */
  removeRow(item) {
    const hadFocus = item.contains(document.activeElement);
    const next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    const others = this.list.querySelectorAll(".session__revoke").length;
    this.none.hidden = others > 0;
    this.othersButton.hidden = others === 0;
    if (!hadFocus) return;
    const target = next?.querySelector("button") || this.heading;
    target.focus();
  }

  async revokeOthers() {
    this.othersButton.disabled = true;
    try {
      const { data } = await api.post("/api/auth/sessions/revoke-others");
      for (const item of [...this.list.querySelectorAll('[data-current="false"]')]) item.remove();
      this.none.hidden = false;
      this.othersButton.hidden = true;
      this.heading.focus();
      this.say(t("others_revoked", { count: data.revoked }));
      this.load();
    } catch (error) {
      if (error.status !== 401) this.say(errorText(error));
    } finally {
      this.othersButton.disabled = false;
    }
  }

  say(text) {
    this.status.textContent = text;
    this.status.hidden = !text;
  }
}
