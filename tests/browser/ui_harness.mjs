// Shared pieces of the web UI's browser tests (web_ui.mjs, web_ui_live.mjs):
// start the real brisk binary, drive Debian's chromium with playwright-core
// (the launch flags of docs_try_it_out.mjs), and watch every page for
// requests to other hosts, Content-Security-Policy violations, script
// errors and console errors.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

export const bin = process.env.BRISK_BIN && resolve(process.env.BRISK_BIN);
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

export function fail(msg) {
  throw new Error(msg);
}

// Every brisk started here is stopped when node exits, however it exits
// (a failed test, or a closed stdout ending node mid-run).
const running = new Set();
process.on("exit", () => {
  for (const proc of running) proc.kill("SIGKILL");
});

// Starts brisk on a free port with its own in-memory database; resolves
// with {url, stop}.
export async function startBrisk(auth) {
  if (!bin) fail("set BRISK_BIN to the brisk binary");
  const dir = mkdtempSync(join(tmpdir(), "brisk-ui-"));
  const proc = spawn(
    bin,
    ["serve", "--listen", "127.0.0.1:0", "--db", ":memory:", "--auth", auth, "--threads", "1"],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  running.add(proc);
  proc.once("exit", () => running.delete(proc));
  // The server's log, printed only if a test fails.
  let log = "";
  proc.stderr.on("data", (chunk) => (log += chunk));
  const url = await new Promise((ok, no) => {
    const timer = setTimeout(() => no(new Error("brisk did not start within 10 s")), 10000);
    createInterface({ input: proc.stdout }).once("line", (line) => {
      clearTimeout(timer);
      const m = /^brisk listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      m ? ok(m[1]) : no(new Error(`unexpected first line: ${line}`));
    });
    proc.once("exit", (code) => no(new Error(`brisk exited early (${code})`)));
    proc.once("error", (e) => no(new Error(`cannot run ${bin}: ${e.message}`)));
  });
  return {
    url,
    log: () => log,
    stop() {
      proc.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A stand-in for the events stream brisk does not serve yet: an HTTP proxy
// on another port that forwards every request to brisk, except GET
// /tasks/events, which it hands to `proxy.onEvents(req, res)` (a 404 until
// a test sets it). Real sockets, so the browser's EventSource behaves as it
// would with brisk (Last-Event-ID on reconnection is only visible there).
export async function startEventsProxy(target) {
  const to = new URL(target);
  const proxy = {
    onEvents: (req, res) => {
      res.writeHead(404, { "content-type": "application/problem+json" });
      res.end('{"title":"Not Found","status":404}');
    },
  };
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url.startsWith("/tasks/events"))
      return proxy.onEvents(req, res);
    const upstream = http.request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  proxy.url = `http://127.0.0.1:${server.address().port}`;
  proxy.close = () => {
    server.closeAllConnections();
    server.close();
  };
  return proxy;
}

export function launchChromium() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}

// A client of the API from outside the browser ("another client").
export function apiClient(base, token = null) {
  async function call(method, path, { body, headers = {} } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (body !== undefined) h["content-type"] ??= "application/json";
    const res = await fetch(`${base}${path}`, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  }
  return {
    call,
    async create(fields) {
      const r = await call("POST", "/tasks", { body: fields });
      if (r.status !== 201) fail(`POST /tasks answered ${r.status}: ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async get(id) {
      return call("GET", `/tasks/${id}`);
    },
    async list(query = "") {
      const r = await call("GET", `/tasks?${query}`);
      if (r.status !== 200) fail(`GET /tasks?${query} answered ${r.status}`);
      return r.body.tasks;
    },
    async signUp(username, password) {
      const reg = await call("POST", "/auth/register", { body: { username, password } });
      if (reg.status !== 201) fail(`register answered ${reg.status}`);
      const tok = await call("POST", "/auth/token", { body: { username, password } });
      if (tok.status !== 200) fail(`token answered ${tok.status}`);
      return tok.body.access_token;
    },
  };
}

// A new browser context and page on `base`, watched: `problems` collects
// what must fail the test (a request to another host, a CSP violation, an
// uncaught error, a console error other than a failed resource load, which
// the tests cause on purpose with 401, 404, 412 and 422 answers);
// `requests` lists every request.
export async function openPage(browser, base, options = {}) {
  const context = await browser.newContext({
    viewport: { width: 1100, height: 800 },
    locale: "en-GB",
    ...options,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const problems = [];
  const requests = [];
  page.on("request", (r) => {
    requests.push(r);
    if (!r.url().startsWith(`${base}/`)) problems.push(`request to another host: ${r.url()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
      problems.push(`console error: ${m.text()}`);
    }
  });
  // The browser reports CSP violations as events in the page; the init
  // script runs outside the page's CSP.
  await page.exposeFunction("__cspViolation", (what) => problems.push(`CSP violation: ${what}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__cspViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`),
    );
  });
  return { context, page, problems, requests };
}

// Polls `check` (sync or async, truthy when done) until it holds or
// `timeout` ms pass; fails with `what` and the last value seen.
export async function until(what, check, timeout = 5000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > end) fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function taskList(page) {
  return page.getByRole("list", { name: "Tasks", exact: true });
}

// The list item of the task with this exact title.
export function taskItem(page, title) {
  return taskList(page)
    .getByRole("listitem")
    .filter({ has: page.locator(".task-title").getByText(title, { exact: true }) });
}

// The list item of the task with this id (also while it is being edited,
// when it shows no title).
export function itemById(page, id) {
  return taskList(page).locator(`li[data-id="${id}"]`);
}

// The titles shown in the list, in order.
export async function shownTitles(page) {
  return taskList(page).locator(".task-title").allInnerTexts();
}

// Runs the named tests in order, each with a fresh brisk (`auth`) and a
// fresh browser context; prints a line per test and a closing summary.
// Exits 1 if any failed.
export async function runTests(tests) {
  const browser = await launchChromium();
  let passed = 0;
  let failed = 0;
  for (const { name, auth = "off", contextOptions, eventsProxy, run } of tests) {
    const server = await startBrisk(auth);
    // With `eventsProxy`, the page talks to brisk through startEventsProxy.
    const proxy = eventsProxy ? await startEventsProxy(server.url) : null;
    const base = proxy?.url ?? server.url;
    const watched = await openPage(browser, base, contextOptions);
    let error = null;
    try {
      await run({ ...watched, base, api: apiClient(server.url), proxy });
    } catch (e) {
      error = e;
    }
    try {
      const problems = [...new Set(watched.problems)];
      if (!error && !problems.length) {
        passed++;
        console.log(`ok - ${name}`);
        continue;
      }
      failed++;
      // What the page did wrong comes first: it often explains the rest.
      const lines = [...problems, ...(error ? [error.message] : [])].join("\n").split("\n");
      console.log(`not ok - ${name}\n  ${lines.join("\n  ")}`);
      console.log(`  brisk's log:\n    ${server.log().trim().split("\n").join("\n    ")}`);
      if (process.env.BRISK_DEBUG_SHOT) {
        await watched.page
          .screenshot({ path: `${process.env.BRISK_DEBUG_SHOT}-${name.replace(/\W+/g, "_")}.png` })
          .catch(() => {});
      }
    } finally {
      await watched.context.close().catch(() => {});
      proxy?.close();
      server.stop();
    }
  }
  await browser.close();
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0;
}
