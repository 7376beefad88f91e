#include "tasks/context.hpp"

#include "api/problem.hpp"
#include "util/text.hpp"

namespace brisk::tasks {

void reply_not_found(http::Exchange& ex, std::string_view id_text) {
  if (id_text.size() > 64 || !util::utf8_valid(id_text)) id_text = "with this id";
  api::reply_problem(ex, 404, "task " + std::string(id_text) + " not found");
}

bool parse_task_id(http::Exchange& ex, util::Uuid& id) {
  if (util::parse_uuid(ex.param(), id)) return true;
  reply_not_found(ex, ex.param());
  return false;
}

std::string id_text(const util::Uuid& id) {
  return util::uuid_text(id);
}

void flush_at_round_end(store::Store& st, http::Exchange& ex) {
  // Each event loop is one thread: the flag says this round's flush is posted.
  thread_local bool flush_posted = false;
  if (flush_posted) return;
  flush_posted = true;
  ex.at_round_end([&st] {
    flush_posted = false;
    st.flush();
  });
}

}  // namespace brisk::tasks
