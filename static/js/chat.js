// The messenger page: wires the chat list, the open chat, search and the live socket.
import { api, setSignedOutHandler } from "./api.js";
import { fallBackOnBrokenAvatars } from "./avatars.js";
import { ChatList, peerOf } from "./chatlist.js";
import { Conversation } from "./conversation.js";
import { t } from "./i18n.js";
import { Blocks, ReportDialog } from "./safety.js";
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
const blocks = new Blocks({ onChange: () => conversation.renderHeader() });
const report = new ReportDialog(document.getElementById("report"), {
  onSent: () => conversation.tell(t("report_sent")),
});
const conversation = new Conversation(document.getElementById("conversation"), {
  me,
  list,
  socket,
  blocks,
  report,
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

// Chats being fetched; `again` is set when news for one arrives while its fetch is in flight,
// since the answer may predate it: the server's counts are then fetched once more.
const fetching = new Map();

async function fetchChat(chatId) {
  const pending = fetching.get(chatId);
  if (pending) {
    pending.again = true;
    return;
  }
  const state = { again: false };
  fetching.set(chatId, state);
  try {
    do {
      state.again = false;
      const { data } = await api("GET", `/api/chats/${chatId}`);
      list.upsert(data);
      updateTitle();
    } while (state.again);
  } catch {
    // Listed after the next reconnect.
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

let chatsRetry = null;

async function loadChats() {
  clearTimeout(chatsRetry);
  try {
    const { data } = await api("GET", "/api/chats");
    list.setAll(data);
    conversation.renderHeader();
    updateTitle();
  } catch {
    chatsRetry = setTimeout(loadChats, 3000);
  }
}

/** Connected (first time or again): what happened meanwhile comes from the history. */
async function catchUp() {
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

setSignedOutHandler(() => {
  location.assign(`/login/?next=${encodeURIComponent(location.pathname)}`);
});

// --- start ------------------------------------------------------------------------------------

fallBackOnBrokenAvatars();
const initial = app.dataset.openChat || null;
history.replaceState({ chatId: initial }, "", location.pathname);
route(initial);
loadChats();
blocks.load();
socket.connect();
