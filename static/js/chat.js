// The messenger page: wires the chat list, the open chat, search and the live socket.
import { api, retryNow } from "./api.js";
import { fallBackOnBrokenAvatars } from "./avatars.js";
import { blocks } from "./blocks.js";
import { ChatList, peerOf } from "./chatlist.js";
import { Conversation } from "./conversation.js";
import { t } from "./i18n.js";
import { ReportDialog } from "./safety.js";
import { Search } from "./search.js";
import { checkSignedIn, LiveSocket } from "./socket.js";

const app = document.getElementById("app");
const me = JSON.parse(document.getElementById("tether-me").textContent);
const connection = document.getElementById("connection");
const chatPath = /^\/chats\/([0-9a-f-]{36})\/?$/i;

const list = new ChatList(document.getElementById("chat-list"), {
  me,
  onOpen: (id) => navigate(id),
});
const socket = new LiveSocket({
  onFrame: (frame) => handle(frame),
  onReady: () => catchUp(),
  onState: (state) => showConnection(state),
  onSignedOut: () => checkSignedIn(socket),
});
const report = new ReportDialog(document.getElementById("report"), {
  onSent: () => conversation.tell(t("report_sent")),
});
const conversation = new Conversation(document.getElementById("conversation"), {
  me,
  list,
  socket,
  blocks,
  report,
  refreshChat: (chatId) => fetchChat(chatId),
  onChange: () => updateTitle(),
});
new Search(document.getElementById("search"), {
  onChat: (chat) => {
    list.upsert(chat);
    navigate(chat.id);
  },
  onToggle: (searching) => {
    app.dataset.searching = String(searching);
  },
});

// --- navigation without reloads -------------------------------------------------------------

function navigate(chatId) {
  const path = chatId ? `/chats/${chatId}/` : "/chats/";
  if (location.pathname !== path) history.pushState({ chatId }, "", path);
  route(chatId);
}

function route(chatId) {
  app.dataset.view = chatId ? "chat" : "list";
  list.setActive(chatId);
  if (chatId) conversation.open(chatId);
  else conversation.close();
  updateTitle();
}

window.addEventListener("popstate", () => {
  route(location.pathname.match(chatPath)?.[1]?.toLowerCase() || null);
});
document.querySelector(".conv-header .back").addEventListener("click", (event) => {
  event.preventDefault();
  navigate(null);
});

function updateTitle() {
  const unread = list.totalUnread();
  const chat = conversation.openId ? list.get(conversation.openId) : null;
  const name = chat ? peerOf(chat, me).display_name : t("chats");
  document.title = `${unread ? `(${unread}) ` : ""}${name || t("chats")} · Tether`;
}

// --- the live socket ------------------------------------------------------------------------

// The full list of chats is asked for at start and after every reconnect; `listed` counts those
// requests, and a single chat's fetch stops retrying once a newer full list is on its way.
let listed = 0;

// Chats being fetched; `again` is set when news for one arrives while its fetch is in flight,
// since the answer may predate it: the server's counts are then fetched once more.
const fetching = new Map();

/** Fetch one chat (news for a chat not listed yet, or one whose view of the peer has changed). */
async function fetchChat(chatId) {
  const pending = fetching.get(chatId);
  if (pending) {
    pending.again = true;
    return;
  }
  const state = { again: false };
  fetching.set(chatId, state);
  const listedBefore = listed;
  try {
    do {
      state.again = false;
      const { data } = await api.get(`/api/chats/${chatId}`, { retry: () => listed === listedBefore });
      list.upsert(data);
      conversation.renderHeader();
      updateTitle();
    } while (state.again);
  } catch (error) {
    // Superseded by a newer full list, or refused (a 401 is on its way to /login/).
    if (listed === listedBefore && error.status !== 401) {
      console.warn(`Tether: chat ${chatId} could not be fetched.`, error);
    }
  } finally {
    fetching.delete(chatId);
  }
}

function noteMessage(message, isNew) {
  const looking = conversation.openId === message.chat_id && document.visibilityState === "visible";
  const counts = isNew && message.sender_id !== me.id && !looking;
  if (!list.noteMessage(message, { counts })) fetchChat(message.chat_id);
}

function handle(frame) {
  switch (frame.type) {
    case "message.new":
      noteMessage(frame.message, true);
      conversation.receive(frame.message, "new");
      break;
    case "message.ack":
      noteMessage(frame.message, true);
      conversation.receive(frame.message, "ack");
      break;
    case "message.updated":
    case "message.deleted":
      noteMessage(frame.message, false);
      conversation.receive(frame.message, frame.type.slice(8));
      break;
    case "chat.read":
      conversation.onRead(frame);
      if (frame.user_id === me.id && frame.chat_id !== conversation.openId) fetchChat(frame.chat_id);
      break;
    case "typing":
      conversation.onTyping(frame);
      break;
    case "presence":
      list.updateUser(frame.user_id, { online: frame.online, last_seen: frame.last_seen });
      conversation.onPresence(frame);
      break;
    case "error":
      conversation.onError(frame);
      break;
    default:
      break;
  }
  updateTitle();
}

/** The whole list, retried until it comes (a newer call takes over from an older one). */
async function loadChats() {
  listed += 1;
  const asked = listed;
  let data;
  try {
    ({ data } = await api.get("/api/chats", { retry: () => listed === asked }));
  } catch (error) {
    if (listed === asked && error.status !== 401) console.warn("Tether: the chats could not be loaded.", error);
    return;
  }
  if (listed !== asked) return;
  list.setAll(data);
  conversation.renderHeader();
  updateTitle();
}

/** Connected (first time or again): what happened meanwhile comes from the history. */
async function catchUp() {
  retryNow(); // the server is back: what waits for it need not wait its turn
  conversation.socketReady();
  blocks.load();
  await loadChats();
  await conversation.resync();
  updateTitle();
}

let bannerTimer = null;

function showConnection(state) {
  if (state === "ready") {
    clearTimeout(bannerTimer);
    bannerTimer = null;
    connection.hidden = true;
    app.dataset.connection = "online";
    return;
  }
  if (state === "lost") conversation.onLost();
  app.dataset.connection = "offline";
  const say = () => {
    connection.textContent = navigator.onLine ? t("reconnecting") : t("offline_banner");
  };
  if (!connection.hidden) say();
  else if (!bannerTimer) {
    // A brief blip is not worth a banner.
    bannerTimer = setTimeout(() => {
      bannerTimer = null;
      if (app.dataset.connection !== "offline") return;
      say();
      connection.hidden = false;
    }, 1500);
  }
}

// --- start ------------------------------------------------------------------------------------

fallBackOnBrokenAvatars();
const initial = app.dataset.openChat || null;
history.replaceState({ chatId: initial }, "", location.pathname);
route(initial);
loadChats();
blocks.load();
socket.connect();
