// Due dates. The API speaks RFC 3339 in UTC ("2026-12-01T16:00:00.000Z");
// people read and type them in their own time zone, which is the browser's.

const shown = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

// "1 Dec 2026, 17:00" (in the browser's locale and time zone).
export function formatDue(iso) {
  return shown.format(new Date(iso));
}

export function isOverdue(iso, now = Date.now()) {
  return iso !== null && Date.parse(iso) < now;
}

const pad = (n) => String(n).padStart(2, "0");

// The value of an <input type="datetime-local"> (local wall-clock time, to
// the minute) for an API timestamp; "" for null.
export function toLocalInput(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}`
  );
}

// The API timestamp for a datetime-local value; null for "". A date-time
// without an offset is read as local time (ECMAScript's Date rules), then
// written in UTC.
export function fromLocalInput(value) {
  return value ? new Date(value).toISOString() : null;
}
