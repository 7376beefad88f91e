// Live updates: GET /tasks/events, a Server-Sent Events stream of the
// user's task changes (docs/API.md):
//   event: task.created | task.updated    data: the task as JSON
//   event: task.deleted                   data: {"id": "..."}
//   event: reset                          the client missed too much: refetch
// Each event has an increasing `id:`. When the connection drops, EventSource
// reconnects by itself and sends the last id it saw as Last-Event-ID, and
// the server replays what was missed (or sends reset).
//
// EventSource gives up for good when the server answers with an error
// status or another content type (e.g. a 404 from a server without the
// stream, or a 401 when the token expired): then the app carries on
// without live updates, and this module tries a new connection later, with
// a growing delay. A new EventSource does not know the last id, so after
// such a reconnection the list is refetched.
import * as api from "./api.js";

const RETRY_FIRST_MS = 30_000;
const RETRY_MAX_MS = 10 * 60_000;

// Starts listening. `onChange(type, data)` gets each task event;
// `onReset()` is called when the list must be refetched; `onState(state)`
// gets "connecting", "live" or "off". Returns a function that stops.
export function startLive({ onChange, onReset, onState }) {
  let source = null;
  let retryTimer = null;
  let retryDelay = RETRY_FIRST_MS;
  let reconnectedByUs = false;

  function connect() {
    onState("connecting");
    source = new EventSource(api.eventsUrl());
    source.addEventListener("open", () => {
      retryDelay = RETRY_FIRST_MS;
      onState("live");
      // Events may have been missed while we were not connected.
      if (reconnectedByUs) onReset();
    });
    for (const type of ["task.created", "task.updated", "task.deleted"]) {
      source.addEventListener(type, (e) => {
        let data;
        try {
          data = JSON.parse(e.data);
        } catch {
          return; // not JSON: ignore the event rather than break the page
        }
        onChange(type, data);
      });
    }
    source.addEventListener("reset", () => onReset());
    source.addEventListener("error", () => {
      // CONNECTING: EventSource is retrying by itself (network error or
      // closed stream). CLOSED: it gave up; try again later.
      if (source.readyState === EventSource.CONNECTING) {
        onState("connecting");
        return;
      }
      source.close();
      onState("off");
      reconnectedByUs = true;
      retryTimer = setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
    });
  }

  connect();
  return () => {
    clearTimeout(retryTimer);
    source?.close();
  };
}
