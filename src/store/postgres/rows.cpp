#include "store/postgres/rows.hpp"

namespace brisk::store::postgres {

std::string select_users() {
  return "SELECT owner, " + column_names(kUserCols) + " FROM users ";
}

UserRow user_at(const PGresult* r, int row) {
  UserRow u;
  u.owner = int64_of(r, row, 0);
  int col = 1;
  for (const Column<UserRow>& c : kUserCols) {
    const int i = col++;
    std::visit(
        [&](auto member) {
          auto& v = u.*member;
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, util::Uuid>) {
            uuid_of(r, row, i, v);
          } else if constexpr (std::is_same_v<V, std::string>) {
            v.assign(text_of(r, row, i));
          } else if constexpr (std::is_same_v<V, std::int64_t>) {
            v = int64_of(r, row, i);
          } else {
            v = PQgetisnull(r, row, i) ? V{} : V{int64_of(r, row, i)};
          }
        },
        c.member);
  }
  return u;
}

}  // namespace brisk::store::postgres
