#include "tasks/task.hpp"

#include "api/model_bind.hpp"

namespace brisk::tasks {

std::string serialize(const Task& t) {
  std::string out;
  out.reserve(256 + t.title.size() + t.description.size());
  util::JsonWriter w(out);
  api::write_object(kTaskModel, t, w);
  return out;
}

void apply_patch(Task& t, const Task& patch, api::FieldMask mask) {
  api::copy_writable(kTaskModel, patch, mask, t);
}

}  // namespace brisk::tasks
