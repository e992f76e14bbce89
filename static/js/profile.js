// The profile page: a live avatar preview (initials when there is no picture) and a counter,
// the privacy settings and the download of one's data, the lists of one's sessions and of the people one blocks, account deletion, and a socket
// that notices when this sign-in is ended elsewhere.
import { retryNow } from "./api.js";
import { avatar, fallBackOnBrokenAvatars } from "./avatars.js";
import { BlockedList } from "./blocked.js";
import { blocks } from "./blocks.js";
import { AccountDeletion } from "./deletion.js";
import { codePoints } from "./dom.js";
import { DataExport, PrivacyForm } from "./privacy.js";
import { SessionList } from "./sessions.js";
import { checkSignedIn, LiveSocket } from "./socket.js";

fallBackOnBrokenAvatars();

const preview = document.getElementById("avatar-preview");
const nameField = document.getElementById("id_display_name");
const urlField = document.getElementById("id_avatar_url");
const userId = preview?.dataset.userId || "";

function redraw() {
  const face = avatar({ id: userId, display_name: nameField.value, avatar_url: urlField.value }, "xl");
  preview.replaceChildren(face);
}

if (preview && nameField && urlField) {
  nameField.addEventListener("input", redraw);
  urlField.addEventListener("change", redraw);
}

for (const counter of document.querySelectorAll("[data-count-for]")) {
  const field = document.getElementById(counter.dataset.countFor);
  const max = Number(counter.dataset.max);
  const update = () => {
    counter.textContent = `${codePoints(field.value)} / ${max}`;
  };
  field.addEventListener("input", update);
  update();
}

const deletion = document.getElementById("delete-account");
if (deletion) new AccountDeletion(deletion);

const privacyForm = document.querySelector("#privacy form");
if (privacyForm) new PrivacyForm(privacyForm).load();
const exportRoot = document.getElementById("export");
if (exportRoot) new DataExport(exportRoot);

// --- sessions and blocked people ------------------------------------------------------------

const sessionsRoot = document.getElementById("sessions");
const sessions = sessionsRoot ? new SessionList(sessionsRoot) : null;
const blockedRoot = document.getElementById("blocked");
if (blockedRoot) {
  new BlockedList(blockedRoot, blocks);
  blocks.load();
}
sessions?.load();
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState !== "visible") return;
  sessions?.load();
  if (blockedRoot) blocks.load();
});

// Ending this sign-in from another device closes the socket with 4001, and the check that
// follows gets a 401, which sends the page to /login/ (api.js). A reconnect refreshes the list.
let connectedBefore = false;
const socket = new LiveSocket({
  onReady: () => {
    retryNow(); // the server is back: what waits for it need not wait its turn
    if (connectedBefore) sessions?.load();
    connectedBefore = true;
  },
  onSignedOut: () => checkSignedIn(socket),
});
socket.connect();
