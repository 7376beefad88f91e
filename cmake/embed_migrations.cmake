# Turns the migration files into a C++ table: {version, name, sql}.
# Invoked with -DOUT=<file> -DFILES=<.sql files, sorted, joined with '|'>
# -DHEADER=<the header declaring kMigrations> -DNAMESPACE=<its namespace>.
string(REPLACE "|" ";" FILES "${FILES}")
set(body "// Generated from ${HEADER}'s migrations/*.sql. Do not edit.\n#include \"${HEADER}\"\nnamespace ${NAMESPACE} {\nconst Migration kMigrations[] = {\n")
set(count 0)
foreach(f ${FILES})
  get_filename_component(name ${f} NAME_WE)
  string(REGEX MATCH "^[0-9]+" num ${name})
  math(EXPR num "${num} + 0")
  file(READ ${f} sql)
  string(APPEND body "  {${num}, \"${name}\", R\"brisk_sql(${sql})brisk_sql\"},\n")
  math(EXPR count "${count} + 1")
endforeach()
string(APPEND body "};\nconst std::size_t kMigrationCount = ${count};\n}  // namespace ${NAMESPACE}\n")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
