// RapidJSON's Writer appending to a std::string. All JSON output in brisk
// goes through this (no hand-rolled escaping).
#pragma once
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

namespace brisk::util {

struct StringSink {
  using Ch = char;
  std::string* out;
  void Put(char c) { out->push_back(c); }
  void Flush() {}
};

class JsonWriter : public rapidjson::Writer<StringSink> {
 public:
  explicit JsonWriter(std::string& out) : rapidjson::Writer<StringSink>(sink_), sink_{&out} {
    // The sink must exist before the base uses it; rebind after init.
    Reset(sink_);
  }
  bool Key(std::string_view k) { return rapidjson::Writer<StringSink>::Key(k.data(), k.size()); }
  bool String(std::string_view s) {
    return rapidjson::Writer<StringSink>::String(s.data(),
                                                 static_cast<rapidjson::SizeType>(s.size()));
  }
  using rapidjson::Writer<StringSink>::Int64;
  using rapidjson::Writer<StringSink>::Uint64;
  using rapidjson::Writer<StringSink>::Double;
  using rapidjson::Writer<StringSink>::Null;
  using rapidjson::Writer<StringSink>::StartObject;
  using rapidjson::Writer<StringSink>::EndObject;
  using rapidjson::Writer<StringSink>::StartArray;
  using rapidjson::Writer<StringSink>::EndArray;
  using rapidjson::Writer<StringSink>::Bool;
  // Inserts already-serialized JSON (a cached task) as the next value.
  bool Raw(std::string_view json) {
    return RawValue(json.data(), json.size(), rapidjson::kObjectType);
  }

 private:
  StringSink sink_;
};

}  // namespace brisk::util
