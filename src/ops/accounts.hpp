// Account administration for the command line (brisk user ...), on any
// store backend: reads by the store's blocking scans, changes by the same
// typed commands the server sends, waited for. Never on an event loop.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace brisk::ops {

std::vector<store::UserRow> list_users(store::Store& st);

// Each throws std::runtime_error with a message for the operator (unknown
// user, taken username, a password the API's rules refuse...).
store::UserRow create_user(store::Store& st, std::string_view username, std::string_view password);
void set_password(store::Store& st, std::string_view username, std::string_view password);
void set_disabled(store::Store& st, std::string_view username, bool disabled);
// Deletes the user's tasks (each with its index rows), then the account;
// returns how many tasks went.
std::size_t delete_user(store::Store& st, std::string_view username);

// Submits `cmd` and waits for its result (command-line tools only).
store::WriteResult run_command(store::Store& st, store::Command cmd);
// Submits `cmds` as one batch (one transaction when they fit in one) and
// waits for every result, in order.
std::vector<store::WriteResult> run_commands(store::Store& st, std::vector<store::Command> cmds);

}  // namespace brisk::ops
