// The one client of the JSON API: the page's session cookie, the CSRF header on unsafe methods,
// the envelope unwrapped, and the one retry policy (`backoffDelay`, also the socket's).
//
//   const { data, meta } = await api.get("/api/chats");
//   await api.get(`/api/chats/${id}`, { retry: () => stillWanted });
//   await api.post("/api/messages", { chat_id, content, client_id });
//
// Every call throws an ApiError when it fails. A 401 (the sign-in is over) sends the page to
// /login/ unless a listener of `onSignedOut` prevents it.

export class ApiError extends Error {
  constructor(status, code, message, fields, retryAfter = null) {
    super(message || code);
    this.name = "ApiError";
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

// --- the retry policy -------------------------------------------------------------------------

const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 3000; // with jitter, under 4 s: back well within 10 s of the network

/**
 * How long to wait before attempt `attempt + 1` (`attempt` counts from 0): 0.5 s, 1 s, 2 s, then
 * every 3 s, each ±25 % so that pages that lost the server together do not return in step; never
 * sooner than a 429's Retry-After (`retryAfter`, seconds).
 */
export function backoffDelay(attempt, retryAfter = null) {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** attempt);
  const delay = Math.round(base * (0.75 + Math.random() * 0.5));
  return retryAfter ? Math.max(delay, retryAfter * 1000) : delay;
}

// Retries waiting for their turn that `retryNow` may send at once.
const waiting = new Set();

function wait(ms, { early = false } = {}) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      waiting.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (early) waiting.add(done);
  });
}

/** The server is reachable again (the live socket is back, the network returned): retries that
 * wait after a network or server failure go now rather than at their turn. */
export function retryNow() {
  for (const done of [...waiting]) done();
}

window.addEventListener("online", retryNow);

// --- signed out -------------------------------------------------------------------------------

const events = new EventTarget();

/**
 * `listener(event)` hears each 401 (the sign-in is over); the page then goes to /login/ unless a
 * listener calls `event.preventDefault()` (the page is leaving by itself, say). Returns the
 * function that stops listening.
 */
export function onSignedOut(listener) {
  events.addEventListener("signedout", listener);
  return () => events.removeEventListener("signedout", listener);
}

function signedOut() {
  const event = new Event("signedout", { cancelable: true });
  if (events.dispatchEvent(event)) {
    location.assign(`/login/?next=${encodeURIComponent(location.pathname)}`);
  }
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

// --- requests ---------------------------------------------------------------------------------

const SAFE_METHODS = new Set(["GET", "HEAD"]);

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

/** The answer's JSON, or null when it has none (a proxy's error page, an empty body). */
async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** One attempt: `{data, meta}`, or an ApiError. */
async function send(method, path, body, timeout) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (!SAFE_METHODS.has(method)) headers["X-CSRFToken"] = csrfToken();
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
  const payload = await readJson(response);
  if (response.ok && payload?.success === true) {
    return { data: payload.data, meta: payload.meta || {} };
  }
  const code = payload?.code || (response.status >= 500 ? "server_error" : "error");
  if (response.status === 401 && Date.now() > leavingUntil) signedOut();
  const retryAfter = Number.parseInt(response.headers.get("Retry-After") || "", 10);
  throw new ApiError(
    response.status, code, payload?.error, payload?.fields, Number.isFinite(retryAfter) ? retryAfter : null,
  );
}

/**
 * `request("GET", path)` → `{data, meta}`; throws the ApiError of the last attempt.
 *
 * `retry` (reads only): `true` tries a transient failure (ApiError.transient) again on the
 * backoff schedule until it succeeds or is refused; a function is asked before each new attempt,
 * with the last error, whether the answer is still wanted (and may say that it is retrying).
 */
export async function request(method, path, body, { timeout = 15000, retry = false } = {}) {
  if (retry && !SAFE_METHODS.has(method)) throw new TypeError(`${method} ${path} is not retried`);
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await send(method, path, body, timeout);
    } catch (error) {
      if (!retry || !error.transient) throw error;
      // A limit's Retry-After is kept to; a network or server failure may end early (retryNow).
      await wait(backoffDelay(attempt, error.retryAfter), { early: error.status !== 429 });
      if (typeof retry === "function" && !retry(error)) throw error;
    }
  }
}

export const api = {
  get: (path, options) => request("GET", path, undefined, options),
  post: (path, body, options) => request("POST", path, body, options),
  put: (path, body, options) => request("PUT", path, body, options),
  patch: (path, body, options) => request("PATCH", path, body, options),
  delete: (path, body, options) => request("DELETE", path, body, options),
};

/**
 * Upload `file` (POST /api/attachments, the one multipart body): `{promise, abort}`, where
 * `promise` gives the attachment or throws an ApiError (`aborted` once `abort()` is called), and
 * `onProgress(percent)` hears how much has gone (0-100). XMLHttpRequest, because fetch tells
 * nothing of an upload's progress.
 */
export function upload(file, { onProgress = () => {} } = {}) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open("POST", "/api/attachments");
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable && event.total) onProgress(Math.floor((event.loaded / event.total) * 100));
    });
    xhr.addEventListener("load", () => {
      let payload = null;
      try {
        payload = JSON.parse(xhr.responseText);
      } catch {
        payload = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && payload?.success === true) {
        onProgress(100);
        resolve(payload.data);
        return;
      }
      if (xhr.status === 401 && Date.now() > leavingUntil) signedOut();
      const code = payload?.code || (xhr.status === 413 ? "too_large" : xhr.status >= 500 ? "server_error" : "error");
      const retryAfter = Number.parseInt(xhr.getResponseHeader("Retry-After") || "", 10);
      reject(new ApiError(xhr.status, code, payload?.error, payload?.fields, Number.isFinite(retryAfter) ? retryAfter : null));
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, "network", "network")));
    xhr.addEventListener("abort", () => reject(new ApiError(0, "aborted", "aborted")));
    const body = new FormData();
    body.append("file", file, file.name);
    xhr.send(body);
  });
  return { promise, abort: () => xhr.abort() };
}
