// How GET /tasks filters and orders tasks (docs/API.md), mirrored so that a
// task created or changed by a live update, or by this page, can be put
// where the server would list it without refetching the list.
import { matchesAll } from "./search.js";

// True if `task` passes the list's filters: status (one or several, comma
// separated), exact priority, tag (exact, case-sensitive) and the search
// words (searchWords() of q).
export function matchesFilters(task, filters, words) {
  if (filters.status && !filters.status.split(",").includes(task.status)) return false;
  if (filters.priority && task.priority !== Number(filters.priority)) return false;
  if (filters.tag && !task.tags.includes(filters.tag)) return false;
  if (words.length && !matchesAll([task.title, task.description, ...task.tags], words)) {
    return false;
  }
  return true;
}

// Titles compare ASCII letters case-insensitively and every other
// character by code point (not by UTF-16 unit, which would misplace
// characters beyond U+FFFF).
function titleKey(title) {
  return Array.from(title, (ch) => {
    const cp = ch.codePointAt(0);
    return cp >= 0x41 && cp <= 0x5a ? cp + 0x20 : cp; // A-Z as a-z
  });
}

function compareTitles(a, b) {
  const x = titleKey(a);
  const y = titleKey(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function compareValues(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// The comparator of a `sort` value ("priority", "-due_at", ...; "" is the
// server's default, -created_at). Ties are broken by id in the same
// direction; tasks with no due_at come last in both directions of due_at.
// Returns null for a search without sort: relevance, which the client cannot
// reproduce.
export function comparator(sort, searching) {
  if (!sort && searching) return null;
  const spec = sort || "-created_at";
  const descending = spec.startsWith("-");
  const key = descending ? spec.slice(1) : spec;
  return (a, b) => {
    if (key === "due_at" && (a.due_at === null) !== (b.due_at === null)) {
      return a.due_at === null ? 1 : -1;
    }
    let c = key === "title" ? compareTitles(a.title, b.title) : compareValues(a[key], b[key]);
    if (c === 0) c = compareValues(a.id, b.id);
    return descending ? -c : c;
  };
}
