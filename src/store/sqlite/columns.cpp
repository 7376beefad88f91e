#include "store/sqlite/columns.hpp"

namespace brisk::store::sqlite {

std::string insert_sql(std::string_view table, std::string_view columns, int per_row,
                       std::size_t rows) {
  std::string sql = "INSERT INTO ";
  sql.append(table).append(" (").append(columns).append(") VALUES ");
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r ? ",(" : "(";
    for (int c = 0; c < per_row; ++c) sql += c ? ",?" : "?";
    sql += ')';
  }
  return sql;
}

}  // namespace brisk::store::sqlite
