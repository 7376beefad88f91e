// Live updates in the web UI: a task created, changed or deleted through the
// API by another client shows in an open page within a second, without a
// reload (GET /tasks/events, Server-Sent Events, with the token as
// access_token on the events URL).
//
//   BRISK_BIN=build/release/brisk node tests/browser/web_ui_live.mjs
import { apiClient, fail, runTests, taskItem } from "./ui_harness.mjs";

const WITHIN_MS = 1000;

// Another client changes tasks; the page, open all along, follows.
async function followsAnotherClient(page, other) {
  const before = await page.evaluate(() => performance.getEntriesByType("navigation").length);
  const created = await other.create({ title: "Made by another client", tags: ["live"] });
  await taskItem(page, "Made by another client").waitFor({ timeout: WITHIN_MS });

  const changed = await other.call("PATCH", `/tasks/${created.id}`, {
    body: { title: "Renamed by another client" },
  });
  if (changed.status !== 200) fail(`PATCH answered ${changed.status}`);
  await taskItem(page, "Renamed by another client").waitFor({ timeout: WITHIN_MS });

  const deleted = await other.call("DELETE", `/tasks/${created.id}`);
  if (deleted.status !== 204) fail(`DELETE answered ${deleted.status}`);
  await taskItem(page, "Renamed by another client").waitFor({
    state: "detached",
    timeout: WITHIN_MS,
  });

  const after = await page.evaluate(() => performance.getEntriesByType("navigation").length);
  if (after !== before) fail("the page was reloaded");
}

const tests = [
  {
    name: "with accounts: another client's create, update and delete appear within a second",
    auth: "required",
    async run({ page, base }) {
      const token = await apiClient(base).signUp("live.user", "correct horse battery");
      await page.goto(`${base}/`);
      await page.getByLabel("Username", { exact: true }).fill("live.user");
      await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page
        .locator("#live-status")
        .filter({ hasText: /^Live$/ })
        .waitFor();
      await followsAnotherClient(page, apiClient(base, token));
    },
  },
  {
    name: "with --auth off: the same, by events alone (no list refetch)",
    async run({ page, base, api, requests }) {
      await page.goto(`${base}/`);
      await page
        .locator("#live-status")
        .filter({ hasText: /^Live$/ })
        .waitFor();
      const lists = () => requests.filter((r) => /\/tasks\?/.test(r.url())).length;
      const before = lists();
      await followsAnotherClient(page, api);
      if (lists() !== before) fail(`the page fetched the list ${lists() - before} more times`);
    },
  },
];

process.exit((await runTests(tests)) ? 0 : 1);
