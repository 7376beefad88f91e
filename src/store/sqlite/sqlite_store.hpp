// The SQLite store: one file (or a private in-memory file for ":memory:"),
// WAL, synchronous=FULL, an exclusive process lock, per-thread readers and
// the group-commit writer.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/reader.hpp"
#include "store/sqlite/writer.hpp"
#include "store/store.hpp"

namespace brisk::store::sqlite {

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const StoreOptions& opts);
  ~SqliteStore() override;
  Reader& reader(unsigned index) override { return *readers_.at(index); }
  void submit(WriteRequest req) override { writer_->submit(std::move(req)); }
  std::string cursor_key() override { return cursor_key_; }
  void stop() override;

 private:
  std::string path_;
  bool temporary_ = false;  // ":memory:": the file is private and removed on close
  int lock_fd_ = -1;
  std::unique_ptr<Writer> writer_;
  std::vector<std::unique_ptr<SqliteReader>> readers_;
  std::string cursor_key_;
};

}  // namespace brisk::store::sqlite
