// The messenger page: wires the chat list, the open chat, search, groups and the live socket.
import { api, retryNow } from "./api.js";
import { fallBackOnBrokenAvatars } from "./avatars.js";
import { blocks } from "./blocks.js";
import { ChatList, chatName, isGroup, previewText } from "./chatlist.js";
import { Conversation } from "./conversation.js";
import { ImageViewer } from "./attachments.js";
import { ForwardDialog } from "./forward.js";
import { t } from "./i18n.js";
import { MembersDialog } from "./members.js";
import { MessageFinder } from "./finder.js";
import { Notifier } from "./notify.js";
import { people } from "./people.js";
import { Picker } from "./picker.js";
import { ReadersDialog } from "./readers.js";
import { ReportDialog } from "./safety.js";
import { Search } from "./search.js";
import { checkSignedIn, LiveSocket } from "./socket.js";

const app = document.getElementById("app");
const me = JSON.parse(document.getElementById("tether-me").textContent);
const connection = document.getElementById("connection");
const chatPath = /^\/chats\/([0-9a-f-]{36})\/?$/i;
// One's own name, for quotes of one's own messages and one's own reactions.
people.remember([me]);

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
const membersButton = document.querySelector(".conv-members");
const members = new MembersDialog(document.getElementById("members"), {
  me,
  onAdd: (state) => {
    const ids = (state.members || []).map((member) => member.user.id);
    picker.openAdd(state.chat, ids.length ? ids : (state.chat.members || []).map((user) => user.id), membersButton);
  },
  onLeft: (chatId) => dropChat(chatId, "you_left"),
  onChanged: (state) => conversation.loadMembers(state),
  onRenamed: (chat) => {
    list.upsert(chat);
    conversation.renderHeader();
  },
});
const conversation = new Conversation(document.getElementById("conversation"), {
  me,
  list,
  socket,
  blocks,
  report,
  members,
  readers: new ReadersDialog(document.getElementById("readers")),
  viewer: new ImageViewer(document.getElementById("viewer")),
  maxUploadBytes: Number(app.dataset.maxUpload) || 0,
  forward: new ForwardDialog(document.getElementById("forward"), {
    me,
    list,
    onForwarded: (chat, message) => {
      conversation.forwarded(chat, message);
      // The copy is shown where it went.
      if (conversation.openId !== chat.id) navigate(chat.id);
      conversation.tell(t("forwarded_to", { name: chatName(chat, me) }));
    },
  }),
  refreshChat: (chatId) => fetchChat(chatId),
  onChange: () => updateTitle(),
});
const search = new Search(document.getElementById("search"), {
  onChat: (chat) => {
    list.upsert(chat);
    navigate(chat.id);
  },
  onToggle: (searching) => {
    peopleShown = searching;
    // One search at a time: finding people puts the messages found away.
    if (searching) finder?.clear();
    app.dataset.searching = String(peopleShown || foundShown);
  },
});
let peopleShown = false;
let foundShown = false;
const finder = new MessageFinder(document.getElementById("message-search"), {
  me,
  list,
  onOpen: (message) => {
    navigate(message.chat_id);
    conversation.openAt(message.chat_id, message.id, message.seq);
  },
  onToggle: (shown) => {
    foundShown = shown;
    if (shown && !search.picker) search.clear();
    app.dataset.searching = String(peopleShown || foundShown);
  },
});
const notifier = new Notifier(document.querySelector(".notify-enable"), {
  onOpen: (chatId) => navigate(chatId),
});
const picker = new Picker({
  app,
  search,
  onCreated: (chat) => {
    list.upsert(chat);
    navigate(chat.id);
  },
  onAdded: (chat) => {
    list.upsert(chat);
    conversation.renderHeader();
    // Back to the member list, which now has them.
    if (conversation.openId === chat.id) conversation.openMembers();
  },
});
const newGroupButton = document.querySelector(".new-group");
newGroupButton.addEventListener("click", () => picker.openCreate(newGroupButton));

// --- navigation without reloads -------------------------------------------------------------

/** Show `chatId` (null: the list); `replace` keeps the page being left out of the history (a
 * chat one is no longer in). */
function navigate(chatId, { replace = false } = {}) {
  const path = chatId ? `/chats/${chatId}/` : "/chats/";
  if (location.pathname !== path) history[replace ? "replaceState" : "pushState"]({ chatId }, "", path);
  route(chatId);
}

function route(chatId) {
  picker.close({ focus: false });
  app.dataset.view = chatId ? "chat" : "list";
  list.setActive(chatId);
  if (chatId) {
    conversation.open(chatId);
    notifier.seen(chatId);
  }
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

/** A new message from someone else: a notification, unless its chat is muted or on screen. */
function notify(message) {
  if (message.sender_id === me.id || message.kind === "system") return;
  if (conversation.openId === message.chat_id && !document.hidden) return;
  const chat = list.get(message.chat_id);
  if (!chat || chat.muted) return;
  const sender = people.nameOf(message.sender_id) || t("someone");
  const title = isGroup(chat) ? chatName(chat, me) : sender;
  let body = previewText(message, me, chat);
  if (!body) return;
  if (isGroup(chat) && !body.startsWith(`${sender}:`)) body = t("sender_prefix", { name: sender, text: body });
  notifier.show(chat.id, { title, body });
}

function updateTitle() {
  const unread = list.totalUnread();
  const chat = conversation.openId ? list.get(conversation.openId) : null;
  const name = chat ? chatName(chat, me) : t("chats");
  document.title = `${unread ? `(${unread}) ` : ""}${name || t("chats")} · Tether`;
}

// --- the live socket ------------------------------------------------------------------------

// The full list of chats is asked for at start and after every reconnect; `listed` counts those
// requests, and a single chat's fetch stops retrying once a newer full list is on its way.
let listed = 0;

// Chats being fetched; `again` is set when news for one arrives while its fetch is in flight,
// since the answer may predate it: the server's counts are then fetched once more.
const fetching = new Map();
// How many times each chat was dropped (left, removed): an answer asked for before the last
// drop is not put back into the list.
const drops = new Map();

/** Fetch one chat (news for a chat not listed yet, a group that changed, or one whose view of
 * the peer has changed). */
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
      const dropsBefore = drops.get(chatId) || 0;
      const { data } = await api.get(`/api/chats/${chatId}`, { retry: () => listed === listedBefore });
      if ((drops.get(chatId) || 0) !== dropsBefore) continue;
      list.upsert(data);
      conversation.renderHeader();
      updateTitle();
    } while (state.again);
  } catch (error) {
    if (error.status === 404) {
      // Not ours any more (chat.removed may have been missed).
      if (list.get(chatId)) dropChat(chatId);
    } else if (listed === listedBefore && error.status !== 401) {
      // Else superseded by a newer full list, or refused (a 401 is on its way to /login/).
      console.warn(`Tether: chat ${chatId} could not be fetched.`, error);
    }
  } finally {
    fetching.delete(chatId);
  }
}

/**
 * One left a chat or was removed from it: it leaves the list, and the page leaves it if it is
 * open. `say` (a string's key) tells why, when the chat was still listed.
 */
function dropChat(chatId, say = "removed_from", chat = list.get(chatId)) {
  drops.set(chatId, (drops.get(chatId) || 0) + 1);
  picker.closeFor(chatId);
  const wasOpen = conversation.forget(chatId);
  list.remove(chatId);
  if (wasOpen) navigate(null, { replace: true });
  if (chat?.kind === "group" && say) toast(t(say, { title: chatName(chat, me) }));
  updateTitle();
}

const toastNode = document.getElementById("toast");
let toastTimer = null;

/** A few seconds of news that belongs to no chat (the open one just went away). */
function toast(text) {
  toastNode.textContent = text;
  toastNode.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    toastNode.hidden = true;
  }, 6000);
}

function noteMessage(message, isNew) {
  const looking = conversation.openId === message.chat_id && document.visibilityState === "visible";
  // System messages ("Ann added Boris") never count as unread.
  const counts = isNew && message.sender_id !== me.id && message.kind !== "system" && !looking;
  if (!list.noteMessage(message, { counts })) fetchChat(message.chat_id);
}

function handle(frame) {
  switch (frame.type) {
    case "message.new":
      noteMessage(frame.message, true);
      conversation.receive(frame.message, "new");
      notify(frame.message);
      break;
    case "draft.updated":
      conversation.draftUpdated(frame);
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
    case "chat.updated":
      // A group's title, members or roles changed, or one was added to it (a chat not listed
      // yet comes into the list).
      fetchChat(frame.chat_id);
      conversation.chatUpdated(frame.chat_id);
      break;
    case "chat.removed":
      dropChat(frame.chat_id);
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
let listing = null; // the newest load of the chat list

/** Read the chat list again; the promise settles once the newest load has been applied, so
 * whoever awaits an older one (a catch-up) never acts on chats the server no longer lists. */
function loadChats() {
  listed += 1;
  listing = applyChats(listed);
  return listing;
}

async function applyChats(asked) {
  list.beginLoad();
  let data;
  try {
    ({ data } = await api.get("/api/chats", { retry: () => listed === asked }));
  } catch (error) {
    if (listed !== asked) return listing;
    if (error.status !== 401) console.warn("Tether: the chats could not be loaded.", error);
    return;
  }
  if (listed !== asked) return listing;
  // Chats left or removed from while away go, and the page leaves the open one.
  for (const chat of list.setAll(data)) dropChat(chat.id, "removed_from", chat);
  conversation.draftsListed();
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
