// gzip (RFC 1952) with zlib, for content that is compressed once (at build
// time or at start) and served many times. Deterministic: no name, mtime 0.
#pragma once
#include <string>
#include <string_view>

namespace brisk::util {

// Compresses at the best level. Throws std::runtime_error if zlib fails.
std::string gzip(std::string_view data);

// Decompresses one gzip member. Throws std::runtime_error on corrupt input.
std::string gunzip(std::string_view data);

}  // namespace brisk::util
