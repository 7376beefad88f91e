// The task list: filters, search, sort, paging, creating, deleting with
// undo, and merging live updates. It keeps `tasks`, the tasks listed so
// far in the server's order, and renders them as one TaskItem each.
//
// Requests for the list (GET /tasks) go out one at a time: a new one (the
// next keystroke of a search, a filter change) aborts the one in flight
// with its AbortController, so an old answer can never overwrite a newer
// one.
//
// Deleting: the row disappears at once and "Undo" is offered for
// UNDO_MS; the DELETE is sent only when that time is up (or when the page
// is left), so Undo needs no request and the task keeps its id and
// history. Other clients still see the task until then.
import * as api from "./api.js";
import { byId, debounce, h, setFieldError, showValidationErrors } from "./dom.js";
import { startLive } from "./live.js";
import { comparator, matchesFilters } from "./order.js";
import { searchWords } from "./search.js";
import { TaskItem } from "./task_item.js";

const PAGE_SIZE = 50;
const UNDO_MS = 5000;
const SEARCH_DELAY_MS = 250; // typing pause before a search goes out

const LIVE_TEXT = {
  connecting: "Connecting to live updates…",
  live: "Live",
  off: "Live updates off",
};

export class TaskList {
  constructor() {
    this.el = {
      section: byId("tasks"),
      newForm: byId("new-task-form"),
      newTitle: byId("new-title"),
      search: byId("search"),
      status: byId("filter-status"),
      priority: byId("filter-priority"),
      tag: byId("filter-tag"),
      sort: byId("sort"),
      message: byId("list-message"),
      list: byId("task-list"),
      more: byId("load-more"),
      live: byId("live-status"),
      toast: byId("toast"),
    };
    this.reset();
    this.wireControls();
  }

  reset() {
    this.tasks = [];
    this.items = new Map(); // id -> TaskItem, for the rows in the page
    this.nextCursor = null;
    this.inFlight = null; // AbortController of the list request out
    this.queued = []; // live events that came while a list request was out
    this.pendingDeletes = new Map(); // id -> {version, timer, sent}
    this.searchWords = [];
    this.stopLive = null;
  }

  // ---- lifecycle -------------------------------------------------------------

  start() {
    this.el.section.hidden = false;
    this.reload();
    this.stopLive = startLive({
      onChange: (type, data) => this.onLiveChange(type, data),
      onReset: () => this.reload(),
      onState: (state) => {
        this.el.live.textContent = LIVE_TEXT[state];
        this.el.live.dataset.state = state;
      },
    });
    this.el.newTitle.focus();
  }

  // Signing out or a 401: deletions still waiting for their undo window are
  // sent now (the user asked for them), everything else is dropped.
  stop() {
    this.flushDeletes();
    this.stopLive?.();
    this.inFlight?.abort();
    this.el.section.hidden = true;
    this.el.list.replaceChildren();
    this.el.toast.replaceChildren();
    this.el.live.textContent = "";
    delete this.el.live.dataset.state;
    this.reset();
  }

  wireControls() {
    const e = this.el;
    e.newForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.create();
    });
    const searchSoon = debounce(() => this.reload(), SEARCH_DELAY_MS);
    e.search.addEventListener("input", searchSoon);
    e.tag.addEventListener("input", searchSoon);
    for (const select of [e.status, e.priority, e.sort]) {
      select.addEventListener("change", () => this.reload());
    }
    e.more.addEventListener("click", () => this.loadMore());
    // Leaving the page: send the deletions still waiting (keepalive lets
    // them outlive the page).
    window.addEventListener("pagehide", () => this.flushDeletes({ keepalive: true }));
  }

  // ---- what TaskItem uses ----------------------------------------------------

  words() {
    return this.searchWords;
  }

  filterByTag(tag) {
    this.el.tag.value = tag;
    this.reload();
    this.el.tag.focus();
  }

  // ---- loading ---------------------------------------------------------------

  // The GET /tasks query of the filters as they are now.
  query() {
    const e = this.el;
    return {
      status: e.status.value,
      priority: e.priority.value,
      tag: e.tag.value,
      // Text without a letter or digit would be a 422 (search_no_words):
      // it searches for nothing, so it is not sent.
      q: searchWords(e.search.value).length ? e.search.value : "",
      sort: e.sort.value,
      limit: PAGE_SIZE,
    };
  }

  // Loads the first page of the list anew (filters changed, or a reset).
  async reload() {
    const query = this.query();
    const page = await this.fetchPage(query);
    if (!page) return;
    this.shownQuery = query;
    this.searchWords = searchWords(query.q);
    this.tasks = page.tasks;
    this.nextCursor = page.next_cursor;
    this.render();
    this.applyQueued();
  }

  // The next page of the same query, after the last task listed.
  async loadMore() {
    if (!this.nextCursor) return;
    const page = await this.fetchPage({ ...this.shownQuery, cursor: this.nextCursor });
    if (!page) return;
    const known = new Set(this.tasks.map((t) => t.id));
    this.tasks.push(...page.tasks.filter((t) => !known.has(t.id)));
    this.nextCursor = page.next_cursor;
    this.render();
    this.applyQueued();
  }

  // One GET /tasks, aborting the one before. Resolves with the page, or
  // null if this request was aborted or failed (the failure is shown).
  async fetchPage(query) {
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    setFieldError(this.el.search, "");
    setFieldError(this.el.tag, "");
    try {
      return await api.listTasks(query, controller.signal);
    } catch (e) {
      if (e.name === "AbortError") return null;
      this.showListError(e);
      return null;
    } finally {
      if (this.inFlight === controller) this.inFlight = null;
    }
  }

  // A 422 names the query parameter at fault: loc ["query", "q"] goes next
  // to the search field, ["query", "tag"] next to the tag field.
  showListError(e) {
    if (e instanceof api.ApiError && e.status === 401) return; // back to sign-in
    const fields = { q: this.el.search, tag: this.el.tag };
    const general = [];
    for (const { loc = [], msg } of e.fieldErrors ?? []) {
      if (loc[0] === "query" && fields[loc[1]]) setFieldError(fields[loc[1]], msg);
      else general.push(msg);
    }
    if (general.length || !e.fieldErrors?.length) {
      this.el.message.textContent = `Could not load the tasks: ${general.join(" ") || e.message}`;
    }
  }

  // ---- rendering ---------------------------------------------------------------

  // Makes the <ul> show `tasks` (less those waiting to be deleted), in
  // order, reusing each task's <li>: only rows that changed are rendered
  // again, and rows are moved only when out of place (moving a row takes
  // the focus away from it).
  render() {
    const list = this.el.list;
    const visible = this.tasks.filter((t) => !this.pendingDeletes.has(t.id));
    const keep = new Set();
    let previous = null;
    for (const task of visible) {
      let item = this.items.get(task.id);
      if (item) item.update(task);
      else this.items.set(task.id, (item = new TaskItem(task, this)));
      keep.add(task.id);
      const wanted = previous ? previous.nextSibling : list.firstChild;
      if (item.li !== wanted) {
        const focused = item.li.contains(document.activeElement) ? document.activeElement : null;
        list.insertBefore(item.li, wanted);
        focused?.focus();
      }
      previous = item.li;
    }
    for (const [id, item] of this.items) {
      if (keep.has(id)) continue;
      item.li.remove();
      this.items.delete(id);
    }
    this.el.more.hidden = !this.nextCursor;
    this.el.message.textContent = this.summary(visible.length);
  }

  summary(count) {
    const q = this.shownQuery ?? {};
    const filtered = q.status || q.priority || q.tag || q.q;
    if (count === 0) return filtered ? "No tasks match." : "No tasks yet: add one above.";
    const more = this.nextCursor ? " (more to load)" : "";
    return `${count} ${count === 1 ? "task" : "tasks"}${more}`;
  }

  // ---- changes -------------------------------------------------------------------

  // Puts a task (new, or a newer version) where the list's query would have
  // it: dropped if it no longer passes the filters, left for "Load more" if
  // it sorts after the last task loaded. Older versions are ignored, so the
  // same change arriving twice (our own answer, then its live event) is
  // harmless.
  upsert(task) {
    const at = this.tasks.findIndex((t) => t.id === task.id);
    if (at >= 0 && this.tasks[at].version > task.version) return;
    const q = this.shownQuery ?? this.query();
    const fits = matchesFilters(task, q, this.searchWords);
    const compare = comparator(q.sort, this.searchWords.length > 0);
    if (at >= 0 && (!compare || !fits)) {
      // Relevance order cannot be recomputed here: an updated task stays put.
      if (fits) this.tasks[at] = task;
      else this.tasks.splice(at, 1);
    } else if (fits) {
      if (at >= 0) this.tasks.splice(at, 1);
      let to = compare ? this.tasks.findIndex((t) => compare(task, t) < 0) : 0;
      if (to === -1) to = this.nextCursor ? null : this.tasks.length;
      if (to !== null) this.tasks.splice(to, 0, task);
    }
    this.render();
  }

  // A task is gone (deleted here or elsewhere).
  removed(id, message) {
    this.tasks = this.tasks.filter((t) => t.id !== id);
    this.pendingDeletes.delete(id);
    this.render();
    if (message) this.el.message.textContent = message;
  }

  // POST /tasks from the one-line form; a 422 is shown under the field.
  async create() {
    const input = this.el.newTitle;
    const title = input.value;
    if (title === "") return; // Enter on an empty line adds nothing
    setFieldError(input, "");
    if (this.creating) return;
    this.creating = true;
    try {
      const task = await api.createTask({ title });
      input.value = "";
      this.upsert(task);
      if (!this.tasks.some((t) => t.id === task.id)) {
        this.el.message.textContent = `Added “${task.title}” (not shown: it does not match the filters).`;
      }
    } catch (e) {
      if (e instanceof api.ApiError && e.status === 422) {
        showValidationErrors(e, { title: input }, this.el.message);
      } else if (!(e instanceof api.ApiError && e.status === 401)) {
        setFieldError(input, `Not added: ${e.message}`);
      }
    } finally {
      this.creating = false;
    }
  }

  // ---- live updates ----------------------------------------------------------

  onLiveChange(type, data) {
    // While a list request is out, its answer will replace `tasks`: keep
    // the event and apply it after (upsert ignores what the answer already
    // has).
    if (this.inFlight) this.queued.push([type, data]);
    else this.applyChange(type, data);
  }

  applyChange(type, data) {
    if (type === "task.deleted") {
      if (this.tasks.some((t) => t.id === data.id)) this.removed(data.id);
    } else {
      this.upsert(data);
    }
  }

  applyQueued() {
    const queued = this.queued;
    this.queued = [];
    for (const [type, data] of queued) this.applyChange(type, data);
  }

  // ---- delete with undo ------------------------------------------------------

  scheduleDelete(item) {
    const { id, version, title } = item.task;
    const timer = setTimeout(() => this.commitDelete(id), UNDO_MS);
    // `version`: the one the user saw; a change made elsewhere before the
    // DELETE goes out makes it a 412, and the task comes back.
    this.pendingDeletes.set(id, { version, timer, sent: false });
    this.render();
    const undo = h("button", { type: "button", onclick: () => this.undoDelete(id) }, "Undo");
    this.el.toast.replaceChildren(h("span", {}, `Deleted “${title}”.`), undo);
    this.el.toast.dataset.id = id;
    undo.focus();
  }

  undoDelete(id) {
    const pending = this.pendingDeletes.get(id);
    if (!pending || pending.sent) return;
    clearTimeout(pending.timer);
    this.pendingDeletes.delete(id);
    this.closeToast(id);
    this.render();
    this.items.get(id)?.focus("delete");
  }

  closeToast(id) {
    if (this.el.toast.dataset.id !== id) return; // showing a later deletion
    const hadFocus = this.el.toast.contains(document.activeElement);
    this.el.toast.replaceChildren();
    delete this.el.toast.dataset.id;
    if (hadFocus) this.el.newTitle.focus();
  }

  // Sends the DELETE of a task whose undo window is over.
  async commitDelete(id, { keepalive = false } = {}) {
    const pending = this.pendingDeletes.get(id);
    if (!pending || pending.sent) return;
    pending.sent = true;
    clearTimeout(pending.timer);
    this.closeToast(id);
    try {
      await api.deleteTask(id, pending.version, { keepalive });
      this.removed(id);
    } catch (e) {
      if (e instanceof api.ApiError && e.status === 404) return this.removed(id);
      this.pendingDeletes.delete(id);
      this.render(); // the row comes back
      const item = this.items.get(id);
      if (e instanceof api.ApiError && e.status === 412) {
        await item?.showCurrent(
          "This task was changed elsewhere, so it was not deleted. It now shows the current version.",
        );
      } else if (item && !(e instanceof api.ApiError && e.status === 401)) {
        item.notice = `Not deleted: ${e.message}`;
        item.renderRow();
      }
    }
  }

  flushDeletes(options) {
    for (const id of [...this.pendingDeletes.keys()]) this.commitDelete(id, options);
  }
}
