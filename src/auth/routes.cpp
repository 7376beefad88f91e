#include "auth/routes.hpp"

#include <ctime>

#include "api/body.hpp"
#include "api/json_input.hpp"
#include "api/model_bind.hpp"
#include "api/problem.hpp"
#include "auth/form.hpp"
#include "auth/openapi_docs.hpp"
#include "auth/password.hpp"
#include "auth/store_reads.hpp"
#include "auth/user.hpp"
#include "http/problem.hpp"
#include "util/text.hpp"
#include "util/time.hpp"

namespace brisk::auth {

namespace {
using http::Exchange;
using store::WriteResult;

constexpr std::string_view kJson = "application/json";

// With --auth off there are no accounts at all.
bool accounts_enabled(Exchange& ex, const Authenticator& auth) {
  if (auth.required()) return true;
  api::reply_problem(ex, 404, "accounts are disabled: this server runs with --auth off");
  return false;
}

// At most this many password hashes wait for the hashing thread. The
// threads bound the memory (Argon2id holds 64 MiB per hash); this bounds
// the wait (16 x ~70 ms). Beyond it the answer is 503 with Retry-After,
// before any work, for known and unknown users alike.
constexpr std::size_t kMaxWaitingHashes = 16;

void reply_busy(Exchange& ex) {
  http::ResponseBuilder rb = ex.respond(503);
  rb.header("Retry-After", std::int64_t{1});
  http::write_problem(rb, "too many password checks at once; retry in a second");
}

class Register final : public http::Handler {
 public:
  explicit Register(AuthContext& c) : ctx_(c) {}
  void handle(Exchange& ex) override {
    if (!accounts_enabled(ex, ctx_.auth) || !api::require_json(ex, api::JsonMedia::kJson)) return;
    simdjson::dom::object obj;
    if (!api::parse_object(ex, obj)) return;
    Credentials cred;
    api::Errors errs;
    api::bind(kRegisterModel, obj, api::Mode::kCreate, cred, errs);
    if (!errs.empty()) return api::reply_invalid(ex, errs);
    http::Deferred d = ex.defer();
    store::Store& st = ctx_.store;
    auto job = [d, cred = std::move(cred), &st]() mutable {
      store::CreateUser cmd;
      store::UserRow& u = cmd.row;
      u.created_at = util::now_unix_ms();
      u.id = util::next_uuid7(u.created_at);
      u.username = cred.username;
      u.password_hash = hash_password(cred.password);
      if (u.password_hash.empty()) {
        d.complete([](Exchange& ex2) {
          api::reply_problem(ex2, 503, "out of memory for password hashing; retry");
        });
        return;
      }
      UserView view{u.id, u.username, u.created_at};
      store::WriteRequest w{
          std::move(cmd), [d, view = std::move(view)](WriteResult&& r) mutable {
            d.complete([r = std::move(r), view](Exchange& ex2) {
              if (r.status == WriteResult::Status::kConflict) {
                return api::reply_problem(ex2, 409, "username '" + view.username + "' is taken");
              }
              if (r.status != WriteResult::Status::kOk) {
                return reply_write_failure(ex2, r.status, "the account could not be stored");
              }
              ex2.respond(201).body(kJson, serialize(view));
            });
          }};
      st.submit(std::move(w));
    };
    if (!ctx_.hashing.try_post(std::move(job), kMaxWaitingHashes)) d.complete(reply_busy);
  }

 private:
  AuthContext& ctx_;
};

// Verifies `password` on the hashing pool (Argon2id; an unknown user costs
// the same work as a wrong password) and answers through `d` with a token
// or the one 401 both failures share.
void check_password(AuthContext& c, http::Deferred d, bool found, store::UserRow&& user,
                    std::string&& password, std::string&& user_key, std::string&& addr_key) {
  auto job = [d, &c, found, user = std::move(user), password = std::move(password),
              user_key = std::move(user_key), addr_key = std::move(addr_key)]() mutable {
    // A disabled account is refused like a wrong password (the hash still runs).
    bool ok = found ? verify_password(user.password_hash, password) && !user.disabled
                    : verify_password_for_unknown_user(password);
    std::string token;
    if (ok) {
      char id[36];
      util::format_uuid(user.id, id);
      token = c.tokens.issue(std::string_view(id, 36), std::time(nullptr));
      c.throttle.attempt_succeeded(user_key, addr_key);
    }
    d.complete([ok, token = std::move(token)](Exchange& ex2) {
      // No token was presented, so the challenge carries no error code.
      if (!ok)
        return reply_unauthorized(ex2, "invalid username or password", Credentials401::kNone);
      if (token.empty()) return api::reply_problem(ex2, 500, "the token could not be issued");
      http::ResponseBuilder rb = ex2.respond(200);
      rb.header("Cache-Control", "no-store");
      rb.body(kJson, serialize(TokenView{token, "bearer", kTokenLifetimeSeconds}));
    });
  };
  if (!c.hashing.try_post(std::move(job), kMaxWaitingHashes)) d.complete(reply_busy);
}

class Token final : public http::Handler {
 public:
  explicit Token(AuthContext& c) : ctx_(c) {}
  void handle(Exchange& ex) override {
    if (!accounts_enabled(ex, ctx_.auth)) return;
    const http::Request& req = ex.request();
    Credentials cred;
    api::Errors errs;
    if (api::media_type_is(req, "application/x-www-form-urlencoded")) {
      std::string json = form_as_json(req.body);
      simdjson::dom::element doc;
      std::string_view reason;
      simdjson::dom::object obj;
      if (!api::thread_json_input().parse(json, doc, reason) || doc.get_object().get(obj)) {
        return api::reply_problem(ex, 400, "the form could not be read");
      }
      api::bind(kLoginModel, obj, api::Mode::kCreate, cred, errs);
    } else if (api::media_type_is(req, "application/json")) {
      simdjson::dom::object obj;
      if (!api::parse_object(ex, obj)) return;
      api::bind(kLoginModel, obj, api::Mode::kCreate, cred, errs);
    } else {
      return api::reply_problem(
          ex, 415, "Content-Type must be application/json or application/x-www-form-urlencoded");
    }
    if (!errs.empty()) return api::reply_invalid(ex, errs);

    // Throttle before any password work: per username and per address. The
    // attempt is counted now (refunded on success), so concurrent guesses
    // cannot all pass the check while their hashes run.
    std::string user_key = "user:" + cred.username;
    std::string addr_key = "addr:" + std::string(req.peer);
    if (unsigned wait =
            ctx_.throttle.begin_attempt(user_key, addr_key, LoginThrottle::Clock::now())) {
      http::ResponseBuilder rb = ex.respond(429);
      rb.header("Retry-After", static_cast<std::int64_t>(wait));
      http::write_problem(rb, "too many failed logins; retry later");
      return;
    }
    // The user is read first (at once, or deferred on a networked store);
    // the password is checked on the hashing pool either way.
    AuthContext& c = ctx_;
    read_user_by_name(
        ctx_.store.reader(ex.worker_index()), ex, cred.username,
        [&c, password = std::move(cred.password), user_key = std::move(user_key),
         addr_key = std::move(addr_key)](Exchange& ex2, store::ReadStatus found,
                                         store::UserRow&& user) mutable {
          if (found == store::ReadStatus::kUnavailable) {
            c.throttle.attempt_succeeded(user_key, addr_key);  // not a guess: refund it
            return reply_unavailable(ex2);
          }
          if (found == store::ReadStatus::kError) {
            c.throttle.attempt_succeeded(user_key, addr_key);  // not a guess: refund it
            return api::reply_problem(ex2, 500, "the account could not be read");
          }
          check_password(c, ex2.defer(), found == store::ReadStatus::kOk, std::move(user),
                         std::move(password), std::move(user_key), std::move(addr_key));
        });
  }

 private:
  AuthContext& ctx_;
};

class Me final : public http::Handler {
 public:
  explicit Me(AuthContext& c) : ctx_(c) {}
  void handle(Exchange& ex) override {
    if (!accounts_enabled(ex, ctx_.auth)) return;
    util::Uuid id;
    if (!ctx_.auth.authenticate_id(ex, id)) return;
    read_user_by_id(ctx_.store.reader(ex.worker_index()), ex, id,
                    [](Exchange& ex2, store::ReadStatus st, const store::UserRow& user) {
                      if (st == store::ReadStatus::kUnavailable) return reply_unavailable(ex2);
                      if (st != store::ReadStatus::kOk || user.disabled) {
                        return reply_unauthorized(
                            ex2, "the bearer token's user does not exist or is disabled",
                            Credentials401::kInvalid);
                      }
                      ex2.respond(200).body(
                          kJson, serialize(UserView{user.id, user.username, user.created_at}));
                    });
  }

 private:
  AuthContext& ctx_;
};
}  // namespace

AuthRoutes::AuthRoutes(AuthContext ctx) : ctx_(ctx) {}
AuthRoutes::~AuthRoutes() = default;

void AuthRoutes::register_on(api::RouteTable& r) {
  auto add = [&](http::Method m, std::string_view pattern, const api::Operation& doc,
                 std::unique_ptr<http::Handler> h) {
    r.add({m, pattern, h.get()}, doc);
    handlers_.push_back(std::move(h));
  };
  add(http::Method::kPost, "/auth/register", kRegisterOp, std::make_unique<Register>(ctx_));
  add(http::Method::kPost, "/auth/token", kTokenOp, std::make_unique<Token>(ctx_));
  add(http::Method::kGet, "/auth/me", kMeOp, std::make_unique<Me>(ctx_));
}

}  // namespace brisk::auth
