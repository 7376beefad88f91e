// The sign-in form: "Sign in" (POST /auth/token) or "Create account"
// (POST /auth/register, then /auth/token) with the same two fields.
import * as api from "./api.js";
import { byId, setFieldError, showValidationErrors } from "./dom.js";

export class SignIn {
  // `onSignedIn(username)` is called once a token is held.
  constructor(onSignedIn) {
    this.onSignedIn = onSignedIn;
    this.el = {
      section: byId("sign-in"),
      form: byId("sign-in-form"),
      username: byId("username"),
      password: byId("password"),
      message: byId("sign-in-message"),
      create: byId("create-account"),
    };
    this.el.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.submit(api.signIn);
    });
    this.el.create.addEventListener("click", () => this.submit(api.createAccount));
  }

  // Shows the form, with `message` above it (e.g. why the session ended).
  show(message = "") {
    this.el.section.hidden = false;
    this.el.message.textContent = message;
    this.el.password.value = "";
    this.el.username.focus();
  }

  hide() {
    this.el.section.hidden = true;
    this.el.message.textContent = "";
  }

  async submit(action) {
    const { username, password, message } = this.el;
    if (this.busy) return;
    this.busy = true;
    setFieldError(username, "");
    setFieldError(password, "");
    message.textContent = "";
    try {
      await action(username.value, password.value);
      password.value = "";
      this.onSignedIn(username.value);
    } catch (e) {
      this.showError(e);
    } finally {
      this.busy = false;
    }
  }

  showError(e) {
    const { username, password, message } = this.el;
    if (!(e instanceof api.ApiError)) {
      message.textContent = `Cannot reach brisk: ${e.message}`;
    } else if (e.status === 422) {
      // loc ["body", "username"] or ["body", "password"]
      showValidationErrors(e, { username, password }, message);
    } else if (e.status === 409) {
      setFieldError(username, "This username is taken.");
      username.focus();
    } else if (e.status === 401) {
      message.textContent = "Wrong username or password.";
      password.focus();
    } else {
      message.textContent = e.message; // e.g. 429: too many attempts
    }
  }
}
