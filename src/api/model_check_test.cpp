// check_model() and field_index() are compile-time checks: each bad table
// below must be refused (if check_model accepted one, this file would not
// build), and a good one accepted.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "api/model.hpp"

namespace brisk::api {
namespace {

struct Thing {
  std::string name;
  std::int64_t count = 0;
  std::optional<std::int64_t> when;
  std::vector<std::string> labels;
};

constexpr Field<Thing> kGood[] = {
    {.name = "name", .type = FieldType::kString, .str = &Thing::name, .max = 10},
    {.name = "count", .type = FieldType::kInteger, .integer = &Thing::count, .max = 5},
    {.name = "when", .type = FieldType::kDateTime, .nullable_time = &Thing::when},
    {.name = "labels", .type = FieldType::kStringList, .list = &Thing::labels, .max = 3},
};
static_assert(check_model(kGood));
static_assert(field_index(kGood, "when") == 2);

// A member without a field.
constexpr Field<Thing> kMissing[] = {
    {.name = "name", .type = FieldType::kString, .str = &Thing::name, .max = 10},
    {.name = "count", .type = FieldType::kInteger, .integer = &Thing::count, .max = 5},
    {.name = "when", .type = FieldType::kDateTime, .nullable_time = &Thing::when},
};
static_assert(!check_model(kMissing));

// A field whose type says string but binds an integer member.
constexpr Field<Thing> kWrongMember[] = {
    {.name = "name", .type = FieldType::kString, .integer = &Thing::count, .max = 10},
    {.name = "count", .type = FieldType::kInteger, .integer = &Thing::count, .max = 5},
    {.name = "when", .type = FieldType::kDateTime, .nullable_time = &Thing::when},
    {.name = "labels", .type = FieldType::kStringList, .list = &Thing::labels, .max = 3},
};
static_assert(!check_model(kWrongMember));

// Two fields with one name.
constexpr Field<Thing> kRepeatedName[] = {
    {.name = "name", .type = FieldType::kString, .str = &Thing::name, .max = 10},
    {.name = "name", .type = FieldType::kInteger, .integer = &Thing::count, .max = 5},
    {.name = "when", .type = FieldType::kDateTime, .nullable_time = &Thing::when},
    {.name = "labels", .type = FieldType::kStringList, .list = &Thing::labels, .max = 3},
};
static_assert(!check_model(kRepeatedName));

// An enum without values, and a required read-only field.
constexpr Field<Thing> kBadFlags[] = {
    {.name = "name", .type = FieldType::kString, .str = &Thing::name, .max = 10},
    {.name = "count", .type = FieldType::kEnum, .integer = &Thing::count},
    {.name = "when", .type = FieldType::kDateTime, .nullable_time = &Thing::when},
    {.name = "labels", .type = FieldType::kStringList, .list = &Thing::labels, .max = 3},
};
static_assert(!check_model(kBadFlags));
constexpr Field<Thing> kRequiredReadOnly[] = {
    {.name = "name",
     .type = FieldType::kString,
     .str = &Thing::name,
     .max = 10,
     .required = true,
     .read_only = true},
    {.name = "count", .type = FieldType::kInteger, .integer = &Thing::count, .max = 5},
    {.name = "when", .type = FieldType::kDateTime, .nullable_time = &Thing::when},
    {.name = "labels", .type = FieldType::kStringList, .list = &Thing::labels, .max = 3},
};
static_assert(!check_model(kRequiredReadOnly));

TEST(CheckModel, RunsAtCompileTime) {
  // The assertions above are the test; this records that they were compiled.
  EXPECT_TRUE(check_model(kGood));
  EXPECT_FALSE(check_model(kMissing));
}

}  // namespace
}  // namespace brisk::api
