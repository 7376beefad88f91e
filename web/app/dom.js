// Building DOM without HTML strings. User text only ever becomes text nodes
// (append() of a string, textContent), never markup: the app never assigns
// innerHTML, so a task titled "<img onerror=...>" is shown as those
// characters. The Content-Security-Policy (no inline script) is the second
// line of defence, not the first.

// h("button", {type: "button", onclick: fn}, "Delete") creates an element.
// Attributes: "on<event>" adds a listener; `value` and `checked` are set as
// properties (they are live state, not markup); true sets an empty
// attribute; false, null and undefined leave it out. Children: nodes and
// strings (as text), nested arrays, and null/false (skipped).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "value" || name === "checked") el[name] = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  el.append(...children.flat(Infinity).filter((c) => c !== null && c !== false && c !== undefined));
  return el;
}

export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el;
}

// Shows `message` as the error of `input` (in the element its
// aria-describedby names first), or clears it when message is empty.
export function setFieldError(input, message) {
  const box = errorBox(input);
  if (box) box.textContent = message ?? "";
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

function errorBox(input) {
  const errorId = (input.getAttribute("aria-describedby") ?? "").split(" ")[0];
  return errorId ? document.getElementById(errorId) : null;
}

// Calls fn once `ms` have passed without another call (typing pauses).
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// Puts each error of a 422 next to the field its `loc` names (["body",
// "tags", 2] is the tags field); any other goes to `message`. Focuses the
// first field in error.
export function showValidationErrors(error, controls, message) {
  const general = [];
  let first = null;
  for (const { loc = [], msg } of error.fieldErrors) {
    const control = loc[0] === "body" ? controls[loc[1]] : undefined;
    if (!control) {
      general.push(msg);
      continue;
    }
    const previous = errorBox(control)?.textContent;
    setFieldError(control, previous ? `${previous} ${msg}` : msg);
    first ??= control;
  }
  if (general.length || !first) message.textContent = general.join(" ") || error.message;
  first?.focus();
}
