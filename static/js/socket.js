// The /ws/ socket, kept alive: backoff reconnects, a heartbeat, and "ready" only after a pong
// (the server answers frames once it has joined its groups, so events reach us from then on).
import { api, backoffDelay } from "./api.js";

const PING_EVERY_MS = 15000;
const PONG_WITHIN_MS = 6000;

export class LiveSocket {
  /** `onFrame(frame)` hears each frame but pong (none: the page only wants to stay signed in). */
  constructor({ onFrame, onReady, onState, onSignedOut }) {
    this.onFrame = onFrame;
    this.onReady = onReady;
    this.onState = onState;
    this.onSignedOut = onSignedOut;
    this.ws = null;
    this.ready = false;
    this.attempt = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
    this.url = `${location.protocol === "https:" ? "wss://" : "ws://"}${location.host}/ws/`;
    window.addEventListener("online", () => this.restart());
    window.addEventListener("offline", () => {
      if (this.ws) this.closed(1006);
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.check();
    });
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.drop();
    this.setState("connecting");
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (error) {
      console.warn("Tether: the live connection could not be opened.", error);
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (this.ws === ws) this.ping();
    });
    ws.addEventListener("message", (event) => {
      if (this.ws === ws) this.receive(event.data);
    });
    ws.addEventListener("close", (event) => {
      if (this.ws === ws) this.closed(event.code);
    });
  }

  /** Drop the current socket at once and start afresh (the network just came back). */
  restart() {
    this.attempt = 0;
    this.connect();
  }

  /** Make sure a socket we think is fine still answers. */
  check() {
    if (this.ws && this.ready) this.ping();
    else if (!this.ws) this.restart();
  }

  send(frame) {
    if (!this.ready || this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  receive(raw) {
    let frame;
    try {
      frame = JSON.parse(raw);
    } catch (error) {
      console.warn("Tether: a frame that is not JSON was ignored.", error);
      return;
    }
    if (frame?.type === "pong") {
      clearTimeout(this.pongTimer);
      this.pongTimer = null;
      if (!this.ready) {
        this.ready = true;
        this.attempt = 0;
        this.setState("ready");
        this.onReady();
      }
      this.schedulePing();
      return;
    }
    if (frame && typeof frame.type === "string") this.onFrame?.(frame);
  }

  ping() {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify({ type: "ping" }));
    clearTimeout(this.pongTimer);
    // No answer: the connection is dead even if the browser has not noticed yet.
    this.pongTimer = setTimeout(() => this.closed(1006), PONG_WITHIN_MS);
  }

  schedulePing() {
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => this.ping(), PING_EVERY_MS);
  }

  closed(code) {
    this.drop();
    if (code === 4001) {
      this.onSignedOut();
      return;
    }
    this.scheduleReconnect();
  }

  drop() {
    clearTimeout(this.pingTimer);
    clearTimeout(this.pongTimer);
    const ws = this.ws;
    this.ws = null;
    const wasReady = this.ready;
    this.ready = false;
    // close() without arguments never throws; on a socket already closing it does nothing.
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close();
    if (wasReady) this.setState("lost");
  }

  scheduleReconnect() {
    clearTimeout(this.retryTimer);
    const delay = backoffDelay(this.attempt); // the API's retry schedule: back within 10 s
    this.attempt += 1;
    this.setState("waiting", delay);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  setState(state, delay) {
    this.onState?.(state, delay);
  }
}

/** The socket was closed as signed out (4001): a 401 from the API sends the page to /login/
 * (api.js); any other answer, or none, means it was something else, so connect again. */
export async function checkSignedIn(socket) {
  try {
    await api.get("/api/users/me");
    socket.scheduleReconnect();
  } catch (error) {
    if (error.status !== 401) socket.scheduleReconnect();
  }
}
