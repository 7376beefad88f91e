// A store without a database, for building the route table without serving
// (`brisk openapi`, tests of the table): no handler ever runs against it, so
// every call but cursor_key() throws.
#pragma once
#include <stdexcept>

#include "store/store.hpp"

namespace brisk::store {

class NoStore final : public Store {
 public:
  Reader& reader(unsigned) override { throw std::logic_error("NoStore has no readers"); }
  void submit(WriteRequest) override { throw std::logic_error("NoStore cannot write"); }
  std::string cursor_key() override { return std::string(32, '\0'); }
  std::string token_key() override { return std::string(32, '\0'); }
  CommitStats commit_stats() const override { return {}; }
  void set_event_sink(EventSink*) override {}
  void stop() override {}
};

}  // namespace brisk::store
