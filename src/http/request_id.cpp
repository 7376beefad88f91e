#include "http/request_id.hpp"

#include <random>

namespace brisk::http {

bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestId) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == ':' || c == '@' || c == '/' ||
                    c == '+' || c == '=';
    if (!ok) return false;
  }
  return true;
}

RequestIdSource::RequestIdSource() {
  std::random_device rd;
  state_ = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

std::string_view RequestIdSource::next(char (&buf)[kMaxRequestId]) {
  // SplitMix64: a bijection of the counter, so ids of one source never repeat.
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 15; i >= 0; --i, z >>= 4) buf[i] = kHex[z & 0xf];
  return {buf, 16};
}

}  // namespace brisk::http
