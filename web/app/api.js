// The brisk API client: every request the app makes goes through here, with
// fetch(). It is written as a small example of a client of the contract in
// docs/API.md:
// - URLs are relative to the page ("tasks", not "/tasks"), so the app also
//   works behind a reverse proxy that serves brisk under a prefix;
// - the access token lives in sessionStorage (gone when the tab closes) and
//   is sent as "Authorization: Bearer <token>";
// - errors are RFC 9457 problem details: a failed request throws an ApiError
//   carrying the status and the problem (a 422 lists every invalid field in
//   `errors`, each with a `loc` such as ["body", "title"]);
// - updates and deletes send If-Match with the version the user saw, so a
//   change made elsewhere in the meantime is a 412 instead of being lost.

const TOKEN_KEY = "brisk.access_token";

// The session: the bearer token, if signed in.
export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

// A non-2xx answer. `problem` is the parsed problem+json body (or a minimal
// stand-in when the body was something else).
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
  }

  // The validation errors of a 422: [{loc, msg, type}, ...]; [] otherwise.
  get fieldErrors() {
    return Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

// Called when a request made with a token gets 401 (expired or revoked):
// the app goes back to the sign-in form.
let unauthorizedHandler = () => {};
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

function url(path) {
  return new URL(path, document.baseURI);
}

// Sends one request. `body` (any JSON value) is sent as JSON, with
// `contentType` (application/json unless told). `auth: false` sends no
// token (sign-in and registration, and the probe of whether accounts are
// needed). Resolves with the parsed JSON body (null for 204); throws an
// ApiError for a non-2xx answer, and the fetch's own error (e.g. an
// AbortError) if it never got one.
export async function request(method, path, options = {}) {
  const { body, headers = {}, signal, auth = true, keepalive = false } = options;
  const sent = new Headers(headers);
  sent.set("Accept", "application/json");
  const token = auth ? session.token : null;
  if (token) sent.set("Authorization", `Bearer ${token}`);
  const init = { method, headers: sent, signal, keepalive };
  if (body !== undefined) {
    sent.set("Content-Type", options.contentType ?? "application/json");
    init.body = JSON.stringify(body);
  }
  const res = await fetch(url(path), init);
  if (res.ok) return res.status === 204 ? null : res.json();

  let problem;
  try {
    problem = await res.json();
  } catch {
    problem = { title: res.statusText, status: res.status };
  }
  if (res.status === 401 && token) unauthorizedHandler(problem);
  throw new ApiError(res.status, problem);
}

// The ETag brisk gives a task is its version in quotes.
function ifMatch(version) {
  return { "If-Match": `"${version}"` };
}

// ---- accounts ----------------------------------------------------------------

// True when the server runs with --auth off: then GET /tasks answers 200 to
// a request without a token (with accounts required it is a 401).
export async function accountsDisabled() {
  try {
    await request("GET", "tasks?limit=1", { auth: false });
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return false;
    throw e;
  }
}

// POST /auth/token; keeps the token for the session.
export async function signIn(username, password) {
  const answer = await request("POST", "auth/token", { body: { username, password }, auth: false });
  session.token = answer.access_token;
  return answer;
}

// POST /auth/register (201: the account), then signs in with it.
export async function createAccount(username, password) {
  await request("POST", "auth/register", { body: { username, password }, auth: false });
  return signIn(username, password);
}

export function signOut() {
  session.token = null;
}

// GET /auth/me: {id, username, created_at}.
export function me() {
  return request("GET", "auth/me");
}

// ---- tasks -------------------------------------------------------------------

// GET /tasks with the given query ({status, priority, tag, q, sort, limit,
// cursor}; empty values are left out): {tasks, count, next_cursor}.
export function listTasks(query, signal) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(name, value);
  }
  return request("GET", `tasks?${params}`, { signal });
}

export function getTask(id) {
  return request("GET", `tasks/${encodeURIComponent(id)}`);
}

// POST /tasks: 201 with the new task.
export function createTask(fields) {
  return request("POST", "tasks", { body: fields });
}

// PATCH /tasks/{id} as a JSON Merge Patch (only the fields that changed;
// due_at: null clears the due date), if the task is still at `version`.
export function updateTask(id, version, changes) {
  return request("PATCH", `tasks/${encodeURIComponent(id)}`, {
    body: changes,
    contentType: "application/merge-patch+json",
    headers: ifMatch(version),
  });
}

// DELETE /tasks/{id} if the task is still at `version`. `keepalive` lets the
// request outlive the page (a deletion still pending when the tab closes).
export function deleteTask(id, version, { keepalive = false } = {}) {
  return request("DELETE", `tasks/${encodeURIComponent(id)}`, {
    headers: ifMatch(version),
    keepalive,
  });
}

// The URL of the Server-Sent Events stream of task changes. EventSource
// cannot send an Authorization header, so the token travels as the query
// parameter access_token, on this URL only.
export function eventsUrl() {
  const u = url("tasks/events");
  if (session.token) u.searchParams.set("access_token", session.token);
  return u.href;
}
