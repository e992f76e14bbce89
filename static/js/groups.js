// The words of groups: system messages as sentences that name the people ("Ann added Boris"),
// who is typing, and how many members a group has. Names come from `nameOf(id)` (people.js):
// null while a name is on its way, "" for someone whose account is gone.
import { listOf, plural, t } from "./i18n.js";

function named(nameOf, id) {
  const name = nameOf(id);
  if (name === null) return "…";
  return name || t("someone");
}

/** A system message's sentence (its `system`: {event, actor_id, user_ids, title, role}). */
export function systemText(system, nameOf) {
  const actor = named(nameOf, system?.actor_id);
  const ids = system?.user_ids || [];
  const name = named(nameOf, ids[0]);
  const title = system?.title || "";
  switch (system?.event) {
    case "group_created":
      return t("sys_group_created", { actor, title });
    case "members_added":
      return t("sys_members_added", { actor, names: listOf(ids.map((id) => named(nameOf, id))) });
    case "member_removed":
      return t("sys_member_removed", { actor, name });
    case "member_left":
      return t("sys_member_left", { name });
    case "title_changed":
      return t("sys_title_changed", { actor, title });
    case "role_changed":
      return t(system.role === "admin" ? "sys_made_admin" : "sys_made_member", { actor, name });
    case "owner_changed":
      return t("sys_owner_changed", { name });
    default:
      return t("sys_changed", { actor });
  }
}

/** Who types in a group: "Ann is typing…", "Ann and Boris are typing…", "Ann and 2 others…". */
export function typingText(userIds, nameOf) {
  const names = userIds.map((id) => named(nameOf, id));
  if (names.length === 0) return "";
  if (names.length === 1) return t("typing_one", { name: names[0] });
  if (names.length === 2) return t("typing_two", { name: names[0], other: names[1] });
  return t("typing_more", { name: names[0], count: names.length - 1 });
}

/** "3 members", with how many of the others are online ("3 members, 1 online"). */
export function membersText(count, online) {
  const members = plural("members", count);
  return online > 0 ? t("members_and_online", { members, online: t("online_count", { count: online }) }) : members;
}
