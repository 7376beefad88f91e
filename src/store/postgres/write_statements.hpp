// The writer's statements (made once from the column tables), and per
// command: which statement it runs with which parameters, and what the
// statement's answer means. Every statement decides its own outcome
// server-side (compare-and-set on the version, ON CONFLICT claims), so that
// a batch's statements never wait for one another's answers.
#pragma once
#include <set>
#include <span>
#include <string>
#include <utility>

#include "store/commands.hpp"
#include "store/postgres/pg.hpp"

namespace brisk::store::postgres {

struct Prepared {
  const char* name;
  std::string sql;
};
// Every statement the writer prepares on its connection.
std::span<const Prepared> write_statements();

// The (owner, Idempotency-Key) pairs of a batch's keyed creates: a second
// create with the same key in one batch is in flight (409), not a replay.
using BatchKeys = std::set<std::pair<Owner, std::string>>;

// Appends `cmd`'s parameters to `p` and returns its statement's name, or
// nullptr when the command is answered without one (then `res` is set).
const char* bind_command(const Command& cmd, Params& p, BatchKeys& keys, WriteResult& res);

// Sets `res` from the answer `r` of `cmd`'s statement in a committed batch
// (with event_id when it logged an event).
void read_answer(Command& cmd, const PGresult* r, WriteResult& res);

// The event a task command carries, and its owner; null for the others.
Event* event_of(Command& cmd, Owner& owner);

}  // namespace brisk::store::postgres
