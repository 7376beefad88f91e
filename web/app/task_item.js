// One task of the list: its <li>, shown either as a row (title, status,
// priority, due date, tags, with Done / Edit / Delete) or as the in-place
// editor. Changes are sent as PATCH with If-Match: the version this row
// showed, so an edit made elsewhere in the meantime is a 412 and the row
// then shows the current version instead of overwriting it.
import * as api from "./api.js";
import { formatDue, fromLocalInput, isOverdue, toLocalInput } from "./dates.js";
import { h, setFieldError, showValidationErrors } from "./dom.js";
import { highlight } from "./search.js";

const STATUS_NAMES = { pending: "Pending", in_progress: "In progress", done: "Done" };

// Shown when a write got 412: the row now shows what the server has.
const CHANGED_ELSEWHERE =
  "This task was changed elsewhere, so your change was not saved. It now shows the current version.";

// The editor's fields: [task field, label, how the control is built].
const EDITOR_FIELDS = [
  ["title", "Title", () => h("input", { autocomplete: "off" })],
  ["description", "Description", () => h("textarea", { rows: 3 })],
  [
    "status",
    "Task status",
    () =>
      h(
        "select",
        {},
        Object.entries(STATUS_NAMES).map(([v, name]) => h("option", { value: v }, name)),
      ),
  ],
  [
    "priority",
    "Task priority",
    () =>
      h(
        "select",
        {},
        [1, 2, 3, 4, 5].map((p) => h("option", { value: String(p) }, String(p))),
      ),
  ],
  ["due_at", "Due date", () => h("input", { type: "datetime-local" })],
  ["tags", "Tags", () => h("input", { autocomplete: "off", placeholder: "comma, separated" })],
];

// Field values as the editor's controls hold them, and back.
function toControl(field, task) {
  if (field === "priority") return String(task.priority);
  if (field === "due_at") return toLocalInput(task.due_at);
  if (field === "tags") return task.tags.join(", ");
  return task[field];
}

function fromControl(field, value) {
  if (field === "priority") return Number(value);
  if (field === "due_at") return fromLocalInput(value);
  if (field === "tags")
    return value
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t !== "");
  return value;
}

export class TaskItem {
  // `list` is the TaskList: words() (the search words to highlight),
  // upsert(task), removed(id, why), scheduleDelete(item), filterByTag(tag).
  constructor(task, list) {
    this.task = task;
    this.list = list;
    this.li = h("li", { class: "task", "data-id": task.id });
    this.editor = null; // the open editor's {form, controls, message, base} or null
    this.busy = false; // a write of this task is out
    this.notice = "";
    this.shown = ""; // what the row was last rendered from (version + search)
    this.renderRow();
  }

  get titleId() {
    return `task-${this.task.id}-title`;
  }

  // A newer version of the task (or new search words). The open editor is
  // left alone: saving it will meet the new version as a 412.
  update(task) {
    if (task.version !== this.task.version) this.notice = ""; // it was about the old version
    this.task = task;
    if (!this.editor && this.shown !== this.renderKey()) this.renderRow();
  }

  renderKey() {
    return `${this.task.version} ${JSON.stringify(this.list.words())} ${this.notice}`;
  }

  // ---- the row --------------------------------------------------------------

  // Renders the row anew. The row's control that had the focus (marked
  // data-focus) gets it back, so that a live update or a save does not
  // throw a keyboard user out of the list.
  renderRow() {
    const t = this.task;
    const words = this.list.words();
    const done = t.status === "done";
    const focused = this.li.contains(document.activeElement)
      ? document.activeElement.dataset.focus
      : undefined;
    this.shown = this.renderKey();
    this.li.classList.toggle("is-done", done);
    this.li.replaceChildren(
      h("input", {
        type: "checkbox",
        class: "done-box",
        "aria-label": "Done",
        "aria-describedby": this.titleId,
        checked: done,
        "data-focus": "done",
        onchange: (e) => this.setDone(e.target),
      }),
      h(
        "div",
        { class: "task-main" },
        h("p", { class: "task-title", id: this.titleId }, highlight(t.title, words)),
        t.description && h("p", { class: "task-description" }, highlight(t.description, words)),
        h(
          "p",
          { class: "task-meta" },
          h("span", { class: `badge status-${t.status}` }, STATUS_NAMES[t.status] ?? t.status),
          h("span", { class: `badge priority priority-${t.priority}` }, `Priority ${t.priority}`),
          t.due_at &&
            h(
              "time",
              { class: isOverdue(t.due_at) && !done ? "due overdue" : "due", datetime: t.due_at },
              `Due ${formatDue(t.due_at)}`,
            ),
          t.tags.map((tag) =>
            h(
              "button",
              {
                type: "button",
                class: "tag",
                title: `Show only tasks tagged ${tag}`,
                onclick: () => this.list.filterByTag(tag),
              },
              highlight(tag, words),
            ),
          ),
        ),
        this.notice && h("p", { class: "notice", role: "alert" }, this.notice),
      ),
      h(
        "div",
        { class: "task-actions" },
        h(
          "button",
          {
            type: "button",
            "aria-describedby": this.titleId,
            "data-focus": "edit",
            onclick: () => this.openEditor(),
          },
          "Edit",
        ),
        h(
          "button",
          {
            type: "button",
            class: "danger",
            "aria-describedby": this.titleId,
            "data-focus": "delete",
            onclick: () => this.list.scheduleDelete(this),
          },
          "Delete",
        ),
      ),
    );
    if (focused) this.focus(focused);
  }

  // Focuses the row's control marked data-focus=`which` ("done", "edit",
  // "delete").
  focus(which) {
    this.li.querySelector(`[data-focus="${which}"]`)?.focus();
  }

  // The checkbox: PATCH {"status": "done"} (or back to "pending"). Controls
  // are not disabled while a request is out (that would drop the focus):
  // `busy` makes a second click wait for the answer.
  async setDone(box) {
    if (this.busy) {
      box.checked = !box.checked;
      return;
    }
    this.busy = true;
    try {
      const status = box.checked ? "done" : "pending";
      this.notice = "";
      this.list.upsert(await api.updateTask(this.task.id, this.task.version, { status }));
    } catch (e) {
      await this.writeFailed(e);
    } finally {
      this.busy = false;
      if (box.isConnected) box.checked = this.task.status === "done";
    }
  }

  // After a failed write: 412 shows the current version, 404 drops the row.
  async writeFailed(e) {
    if (e instanceof api.ApiError && e.status === 412) {
      await this.showCurrent(CHANGED_ELSEWHERE);
    } else if (e instanceof api.ApiError && e.status === 404) {
      this.list.removed(this.task.id, `“${this.task.title}” was deleted elsewhere.`);
    } else if (!(e instanceof api.ApiError && e.status === 401)) {
      this.notice = `Not saved: ${e.message}`;
      this.renderRow();
    }
  }

  // Fetches the task as the server has it, shows it with `notice`.
  async showCurrent(notice) {
    let current;
    try {
      current = await api.getTask(this.task.id);
    } catch (e) {
      if (e instanceof api.ApiError && e.status === 404) {
        this.list.removed(this.task.id, `“${this.task.title}” was deleted elsewhere.`);
      }
      return;
    }
    this.notice = notice;
    this.editor = null;
    this.task = current;
    this.renderRow();
    this.list.upsert(current);
  }

  // ---- the editor -----------------------------------------------------------

  openEditor() {
    const t = this.task;
    const controls = {};
    const fields = EDITOR_FIELDS.map(([field, label, make]) => {
      const id = `task-${t.id}-${field}`;
      const control = make();
      Object.assign(control, { id, name: field, value: toControl(field, t) });
      control.setAttribute("aria-describedby", `${id}-error`);
      controls[field] = control;
      return h(
        "div",
        { class: `field field-${field}` },
        h("label", { for: id }, label),
        control,
        h("p", { class: "field-error", id: `${id}-error` }),
      );
    });
    const message = h("p", { class: "form-message", role: "alert" });
    const form = h(
      "form",
      {
        class: "editor",
        novalidate: true,
        "aria-label": `Edit “${t.title}”`,
        onsubmit: (e) => {
          e.preventDefault();
          this.save();
        },
        onkeydown: (e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            this.closeEditor();
          }
        },
      },
      message,
      h("div", { class: "editor-fields" }, fields),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "submit", class: "primary" }, "Save"),
        h("button", { type: "button", onclick: () => this.closeEditor() }, "Cancel"),
      ),
    );
    // `base`: the task as the user saw it when editing began. Only the
    // fields changed from it are sent, with If-Match: its version.
    this.editor = { form, controls, message, base: t };
    this.notice = "";
    this.li.classList.add("is-editing");
    this.li.replaceChildren(form);
    controls.title.focus();
  }

  closeEditor() {
    this.editor = null;
    this.li.classList.remove("is-editing");
    this.renderRow();
    this.focus("edit");
  }

  async save() {
    const { controls, message, base } = this.editor;
    const changes = {};
    for (const [field, control] of Object.entries(controls)) {
      setFieldError(control, "");
      const value = fromControl(field, control.value);
      // The due date is compared as shown (to the minute), so opening and
      // saving does not change a due_at that has seconds.
      const before = field === "due_at" ? toControl(field, base) : base[field];
      const after = field === "due_at" ? control.value : value;
      if (JSON.stringify(before) !== JSON.stringify(after)) changes[field] = value;
    }
    message.textContent = "";
    if (Object.keys(changes).length === 0) return this.closeEditor();
    if (this.busy) return;
    this.busy = true;
    try {
      const task = await api.updateTask(base.id, base.version, changes);
      this.task = task;
      this.closeEditor();
      this.list.upsert(task);
    } catch (e) {
      if (e instanceof api.ApiError && e.status === 422) {
        showValidationErrors(e, controls, message);
      } else {
        await this.writeFailed(e);
        if (this.editor) message.textContent = `Not saved: ${e.message}`;
        else this.focus("edit");
      }
    } finally {
      this.busy = false;
    }
  }
}
