// Browser test of /docs: Swagger UI in Debian's chromium (driven by
// playwright-core) loads brisk's document, and "Try it out" on POST /tasks
// creates a task (201) on the running server. Also checks that the page
// loaded nothing from another host and broke no Content-Security-Policy
// rule. Saves a screenshot of the answered operation to argv[2].
// Then, against a second brisk with accounts required, the Authorize button's
// OAuth2 password flow logs in and "Try it out" on GET /auth/me answers 200.
//
//   BRISK_BIN=build/release/brisk node tests/browser/docs_try_it_out.mjs out.png
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const bin = process.env.BRISK_BIN && resolve(process.env.BRISK_BIN);
const shot = process.argv[2];
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
if (!bin || !shot) {
  console.error("usage: BRISK_BIN=... node docs_try_it_out.mjs SCREENSHOT.png");
  process.exit(2);
}

function fail(msg) {
  throw new Error(msg);
}

// Starts brisk on a free port; resolves with its base URL.
function startBrisk(dir, auth = "off") {
  const proc = spawn(
    bin,
    ["serve", "--listen", "127.0.0.1:0", "--db", ":memory:", "--auth", auth, "--threads", "1"],
    { cwd: dir, stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("brisk did not start within 10 s")), 10000);
    createInterface({ input: proc.stdout }).once("line", (line) => {
      clearTimeout(timer);
      const m = /^brisk listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      m ? resolve(m[1]) : reject(new Error(`unexpected first line: ${line}`));
    });
    proc.once("exit", (code) => reject(new Error(`brisk exited early (${code})`)));
    proc.once("error", (e) => reject(new Error(`cannot run ${bin}: ${e.message}`)));
  });
  return { proc, url };
}

// With accounts required: register, then log in through the Authorize
// dialog (OAuth2 password flow to /auth/token) and call GET /auth/me.
async function authorizeFlow(page, base) {
  const user = { username: "docs.user", password: "correct horse battery" };
  const reg = await fetch(`${base}/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(user),
  });
  if (reg.status !== 201) fail(`register answered ${reg.status}`);
  const doc = await page.goto(`${base}/docs`);
  if (doc.status() !== 200) fail(`/docs answered ${doc.status()}`);
  const me = page.locator("#operations-accounts-getMe");
  await me.waitFor();
  await page.locator(".auth-wrapper .btn.authorize").click();
  const dialog = page.locator(".modal-ux");
  await dialog.waitFor();
  // One block per security scheme; the password flow's is oauth2Password.
  const oauth = dialog.locator(".auth-container").filter({ hasText: "oauth2Password" });
  await oauth.locator("#oauth_username").fill(user.username);
  await oauth.locator("#oauth_password").fill(user.password);
  const [login] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${base}/auth/token`),
    oauth.locator(".auth-btn-wrapper .btn.modal-btn.auth.authorize").click(),
  ]);
  if (login.status() !== 200) fail(`the Authorize dialog's login answered ${login.status()}`);
  await dialog.locator(".close-modal").click();
  await me.locator(".opblock-summary").first().click();
  await me.locator("button.try-out__btn").click();
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${base}/auth/me`),
    me.locator("button.execute").click(),
  ]);
  if (answer.status() !== 200) fail(`GET /auth/me after Authorize answered ${answer.status()}`);
  const body = await answer.json();
  if (body.username !== user.username) fail(`GET /auth/me named ${JSON.stringify(body.username)}`);
  const sent = answer.request().headers()["authorization"] ?? "";
  if (!sent.startsWith("Bearer ")) fail(`GET /auth/me was sent without a bearer token: ${sent}`);
}

const dir = mkdtempSync(join(tmpdir(), "brisk-docs-"));
const { proc, url: urlPromise } = startBrisk(dir);
const { proc: authProc, url: authUrlPromise } = startBrisk(dir, "required");
let context;
let failed = false;
try {
  const base = await urlPromise;
  context = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
    viewport: { width: 1100, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30000);
  const requested = [];
  const problems = [];
  page.on("request", (r) => requested.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));

  const doc = await page.goto(`${base}/docs`);
  if (doc.status() !== 200) fail(`/docs answered ${doc.status()}`);
  // Swagger UI renders one block per operation: #operations-<tag>-<operationId>.
  const op = page.locator("#operations-tasks-createTask");
  await op.waitFor();
  // Swagger UI lists problems with the document (structure, dialect) here.
  if (await page.locator(".errors-wrapper").count()) {
    fail(`Swagger UI reports problems: ${await page.locator(".errors-wrapper").innerText()}`);
  }
  await op.locator(".opblock-summary").first().click();
  await op.locator("button.try-out__btn").click();
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${base}/tasks` && r.request().method() === "POST"),
    op.locator("button.execute").click(),
  ]);
  if (answer.status() !== 201) fail(`POST /tasks from Swagger UI answered ${answer.status()}`);
  const shown = op.locator(".live-responses-table tbody .response-col_status").first();
  await shown.waitFor();
  const code = (await shown.innerText()).trim();
  if (code !== "201") fail(`Swagger UI shows status ${code}, expected 201`);

  // The task really exists, with the example body's title.
  const created = await answer.json();
  const got = await (await fetch(`${base}/tasks/${created.id}`)).json();
  if (got.title !== "Write the report") fail(`created task has title ${JSON.stringify(got.title)}`);

  const foreign = requested.filter((u) => !u.startsWith(`${base}/`) && !u.startsWith("data:"));
  if (foreign.length) fail(`the page contacted other hosts: ${foreign.join(", ")}`);
  if (problems.length) fail(problems.join("\n"));

  // The picture for the README: the operation's summary, the request body
  // sent and the server's 201 answer.
  // (Bounding boxes are in viewport coordinates; the clip is in page ones.)
  const scrollY = await page.evaluate(() => window.scrollY);
  const top = await op.locator(".opblock-summary").first().boundingBox();
  const live = await op.locator(".live-responses-table").first().boundingBox();
  await page.screenshot({
    path: shot,
    fullPage: true,
    clip: { x: top.x, y: top.y + scrollY, width: top.width, height: live.y + live.height - top.y },
  });
  console.log(`ok: Swagger UI executed POST /tasks -> 201 (${requested.length} requests, all to ${base}); screenshot ${shot}`);

  await authorizeFlow(page, await authUrlPromise);
  if (problems.length) fail(problems.join("\n"));
  console.log("ok: Authorize (OAuth2 password flow) then GET /auth/me -> 200 with the bearer token");
} catch (e) {
  failed = true;
  console.error(`FAILED: ${e.message}`);
  if (process.env.BRISK_DEBUG_SHOT && context) {
    await context.pages()[0]?.screenshot({ path: process.env.BRISK_DEBUG_SHOT, fullPage: false });
  }
} finally {
  if (context) await context.close().catch(() => {});
  proc.kill("SIGTERM");
  authProc.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
