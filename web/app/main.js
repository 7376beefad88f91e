// The web UI's entry point (index.html loads it as a module). It decides
// what to show: the task list straight away when the server runs with
// --auth off, otherwise the sign-in form until we hold a valid token.
// A 401 on any request made with the token (it expired, or the signing key
// was rotated) brings the sign-in form back.
import * as api from "./api.js";
import { byId } from "./dom.js";
import { SignIn } from "./sign_in.js";
import { TaskList } from "./tasks.js";

const boot = byId("boot-message");
const account = byId("account");
const accountName = byId("account-name");

const taskList = new TaskList();
const signIn = new SignIn((username) => showTasks(username));
let listShown = false;

function showTasks(username) {
  signIn.hide();
  boot.hidden = true;
  // With accounts: who is signed in, and Sign out. Without: nothing.
  account.hidden = username === null;
  accountName.textContent = username ?? "";
  if (!listShown) taskList.start();
  listShown = true;
}

function showSignIn(message) {
  if (listShown) taskList.stop();
  listShown = false;
  api.signOut();
  account.hidden = true;
  boot.hidden = true;
  signIn.show(message);
}

byId("sign-out").addEventListener("click", () => showSignIn("Signed out."));
api.onUnauthorized(() => showSignIn("Your session has ended: please sign in again."));

async function start() {
  let open;
  try {
    open = await api.accountsDisabled();
  } catch (e) {
    boot.textContent = `Cannot reach brisk: ${e.message}`;
    return;
  }
  if (open) return showTasks(null);
  if (!api.session.token) return showSignIn();
  try {
    const me = await api.me(); // checks the token kept from earlier in this tab
    showTasks(me.username);
  } catch (e) {
    // A 401 has already brought the sign-in form back.
    if (!(e instanceof api.ApiError && e.status === 401))
      boot.textContent = `Cannot reach brisk: ${e.message}`;
  }
}

start();
