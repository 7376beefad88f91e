#include "ops/transfer.hpp"

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <simdjson.h>

#include "ops/accounts.hpp"
#include "tasks/task_rules.hpp"
#include "util/json_writer.hpp"
#include "util/time.hpp"

namespace brisk::ops {

namespace {

using Status = store::WriteResult::Status;
constexpr std::size_t kBatch = 1000;  // commands per transaction on import

void write_user(const store::UserRow& u, std::string& line) {
  util::JsonWriter w(line);
  char ts[24];
  util::format_rfc3339_ms(u.created_at, ts);
  w.StartObject();
  w.Key("user");
  w.StartObject();
  w.Key("id");
  w.String(util::uuid_text(u.id));
  w.Key("username");
  w.String(u.username);
  w.Key("created_at");
  w.String(std::string_view(ts, 24));
  w.Key("password_hash");
  w.String(u.password_hash);
  w.Key("disabled");
  w.Bool(u.disabled != 0);
  w.EndObject();
  w.EndObject();
}

[[noreturn]] void bad_line(std::uint64_t n, const std::string& why) {
  throw std::runtime_error("line " + std::to_string(n) + ": " + why);
}

// The import's state: owners by username, and the batch being filled.
struct Importer {
  store::Store& st;
  TransferCounts counts;
  std::map<std::string, store::Owner, std::less<>> owners;
  std::vector<store::Command> batch;

  void refresh_owners() {
    owners.clear();
    st.scan_users([&](const store::UserRow& u) { owners[u.username] = u.owner; });
  }

  void flush() {
    if (batch.empty()) return;
    for (const store::WriteResult& r : run_commands(st, std::move(batch))) {
      if (r.status == Status::kOk) {
        ++counts.tasks;
      } else if (r.status == Status::kConflict) {
        ++counts.skipped;
      } else {
        throw std::runtime_error("storing imported tasks failed");
      }
    }
    batch.clear();
  }

  void user(simdjson::dom::object u, std::uint64_t n) {
    store::CreateUser cmd;
    std::string_view id, name, created, hash;
    bool disabled = false;
    if (u["id"].get(id) || u["username"].get(name) || u["created_at"].get(created) ||
        u["password_hash"].get(hash) || u["disabled"].get(disabled) ||
        !util::parse_uuid(id, cmd.row.id)) {
      bad_line(n, "a user needs id, username, created_at, password_hash and disabled");
    }
    auto t = util::parse_rfc3339(created);
    if (!t) bad_line(n, "created_at is not an RFC 3339 date-time");
    cmd.row.created_at = *t;
    cmd.row.username = name;
    cmd.row.password_hash = hash;
    cmd.row.disabled = disabled ? 1 : 0;
    store::WriteResult r = run_command(st, std::move(cmd));
    if (r.status == Status::kOk) {
      ++counts.users;
      owners[std::string(name)] = r.owner;
    } else if (r.status == Status::kConflict) {
      ++counts.skipped;
    } else {
      bad_line(n, "the account could not be stored");
    }
  }

  void task(simdjson::dom::object line, std::uint64_t n) {
    store::Owner owner = store::kLocalOwner;
    simdjson::dom::element o;
    if (!line["owner"].get(o) && !o.is_null()) {
      std::string_view name;
      if (o.get_string().get(name)) bad_line(n, "owner is not a username or null");
      auto it = owners.find(name);
      if (it == owners.end()) bad_line(n, "owner '" + std::string(name) + "' has no account");
      owner = it->second;
    }
    simdjson::dom::object body;
    if (line["task"].get(body)) bad_line(n, "no task object");
    // A stored task has every member (the served JSON): an import never
    // makes up ids, versions or times.
    for (const char* key :
         {"id", "title", "status", "priority", "created_at", "updated_at", "version"}) {
      if (body[key].error()) bad_line(n, std::string("the task has no \"") + key + "\"");
    }
    tasks::Task t;
    if (!tasks::parse_stored(simdjson::to_string(body), t)) bad_line(n, "the task is not valid");
    if (t.version < 1 || t.updated_at < t.created_at) {
      bad_line(n, "the task's version or times are not possible");
    }
    std::string json = tasks::serialize(t);
    batch.emplace_back(tasks::import_task(tasks::to_row(owner, std::move(t), std::move(json))));
    if (batch.size() == kBatch) flush();
  }
};

}  // namespace

TransferCounts export_jsonl(store::Store& st, std::ostream& out, const Progress& progress) {
  TransferCounts counts;
  std::map<store::Owner, std::string> names;
  std::string line;
  st.scan_users([&](const store::UserRow& u) {
    names[u.owner] = u.username;
    line.clear();
    write_user(u, line);
    out << line << '\n';
    ++counts.users;
  });
  st.scan_tasks(std::nullopt, [&](store::Owner owner, std::string_view body) {
    line.clear();
    {
      util::JsonWriter w(line);
      w.StartObject();
      w.Key("owner");
      auto it = names.find(owner);
      if (it == names.end()) {
        w.Null();
      } else {
        w.String(it->second);
      }
      w.Key("task");
      w.RawValue(body.data(), body.size(), rapidjson::kObjectType);  // the served JSON, as is
      w.EndObject();
    }
    out << line << '\n';
    if (++counts.tasks % 1000 == 0 && progress) progress(counts);
  });
  if (progress) progress(counts);
  out.flush();
  if (!out) throw std::runtime_error("writing the export failed");
  return counts;
}

TransferCounts import_jsonl(store::Store& st, std::istream& in, const Progress& progress) {
  Importer im{st, {}, {}, {}};
  im.refresh_owners();
  simdjson::dom::parser parser;
  std::string line;
  std::uint64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    simdjson::dom::element doc;
    simdjson::dom::object obj;
    if (parser.parse(line).get(doc) || doc.get_object().get(obj)) bad_line(n, "not a JSON object");
    simdjson::dom::object user;
    if (!obj["user"].get(user)) {
      im.flush();  // accounts before the tasks that refer to them
      im.user(user, n);
    } else {
      im.task(obj, n);
    }
    if (n % 1000 == 0 && progress) progress(im.counts);
  }
  im.flush();
  if (progress) progress(im.counts);
  return im.counts;
}

}  // namespace brisk::ops
