// The JSON API with the page's session cookie: CSRF header on unsafe methods, envelope unwrapped.

export class ApiError extends Error {
  constructor(status, code, message, fields, retryAfter = null) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.fields = fields || {};
    this.retryAfter = retryAfter; // seconds, from a 429's Retry-After
  }

  /** Worth trying again later (network, server restarting, limits), as opposed to refused. */
  get transient() {
    return this.status === 0 || this.status >= 500 || this.status === 429;
  }
}

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

let onSignedOut = () => {
  location.assign(`/login/?next=${encodeURIComponent(location.pathname)}`);
};

export function setSignedOutHandler(handler) {
  onSignedOut = handler;
}

// Once the page is on its way elsewhere (the "Log out" link, say), a 401 that the navigation
// itself caused must not send it to /login/ instead. A navigation that never happens (a
// download, a cancelled one) stops counting after a few seconds.
let leavingUntil = 0;
window.addEventListener("beforeunload", () => {
  leavingUntil = Date.now() + 5000;
});
window.addEventListener("pageshow", () => {
  leavingUntil = 0;
});

/** `await api("POST", "/api/messages", {...})` → `{data, meta}`; throws ApiError. */
export async function api(method, path, body, { timeout = 15000 } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (!["GET", "HEAD"].includes(method)) headers["X-CSRFToken"] = csrfToken();
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    });
  } catch (error) {
    throw new ApiError(0, "network", error?.message);
  } finally {
    clearTimeout(timer);
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (response.ok && payload?.success === true) {
    return { data: payload.data, meta: payload.meta || {} };
  }
  const code = payload?.code || (response.status >= 500 ? "server_error" : "error");
  if (response.status === 401 && Date.now() > leavingUntil) onSignedOut();
  const retryAfter = Number.parseInt(response.headers.get("Retry-After") || "", 10);
  throw new ApiError(
    response.status, code, payload?.error, payload?.fields, Number.isFinite(retryAfter) ? retryAfter : null,
  );
}
