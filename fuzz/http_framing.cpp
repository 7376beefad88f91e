// The HTTP request framing as a connection runs it (http/connection.cpp):
// the same 32 KiB read buffer, Beast's parser with brisk's callbacks
// (RequestParser filling a RequestHead), the same answers to parse errors
// and the same checks before routing (http/framing.hpp), and the same
// compaction of unparsed bytes. No sockets: the input arrives in reads whose
// sizes the input chooses.
//
// Properties:
// - the outcome (each request dispatched, or the status that ended the
//   connection) does not depend on how the bytes were split into reads;
// - a dispatched request is within the limits (body <= 1 MiB, at most 100
//   distinct fields, version 1.0 or 1.1, exactly one Host for 1.1), has no
//   Content-Length beside Transfer-Encoding, and a body of exactly its
//   Content-Length;
// - a dispatched request written out again (fields as received, the body
//   with a Content-Length) is read back as the same request.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "check.hpp"
#include "http/framing.hpp"
#include "http/limits.hpp"
#include "http/request.hpp"
#include "http/request_parser.hpp"
#include "util/text.hpp"

namespace {

using namespace brisk::http;
namespace bhttp = boost::beast::http;

struct Outcome {
  int status = 0;  // 0: dispatched; else the answer that ended the connection
  Method method = Method::kOther;
  int version = 0;
  bool keep_alive = false;
  std::string target;
  std::vector<std::pair<std::string, std::string>> fields;
  std::string body;
  bool operator==(const Outcome&) const = default;
};

// Read sizes: a small PRNG seeded by the input (0: reads as large as the
// buffer takes).
struct Reads {
  std::uint64_t state;
  std::size_t next() {
    if (state == 0) return kInBufferSize;
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    // Mostly tiny reads, sometimes large ones.
    return (state & 3) == 0 ? 1 + (state >> 8) % 4096 : 1 + (state >> 8) % 16;
  }
};

Outcome dispatched(RequestHead& head, RequestParser& parser, Request& req) {
  head.fill(req);
  Outcome o;
  if (FramingError e = check_complete_request(head, req.version); e.status) {
    o.status = e.status;
    return o;
  }
  o.method = req.method;
  o.version = req.version;
  o.keep_alive = parser.keep_alive();
  o.target = req.target;
  for (const HeaderField& f : req.headers) o.fields.emplace_back(f.name, f.value);
  o.body = req.body;
  return o;
}

// The connection's loop (Connection::process_buffered and start_read), fed
// from `data` until it is used up or the connection would close.
std::vector<Outcome> run(std::string_view data, Reads reads) {
  Limits limits;
  limits.body_padding = 64;
  std::unique_ptr<char[]> in(new char[kInBufferSize]);
  std::size_t in_begin = 0, in_end = 0, fed = 0;
  RequestHead head;
  std::optional<RequestParser> parser;
  Request req;
  std::vector<Outcome> out;
  bool closed = false;
  while (!closed && fed < data.size()) {
    if (in_end == kInBufferSize) {  // Connection::start_read's guard
      out.push_back({.status = 431});
      break;
    }
    const std::size_t n = std::min({reads.next(), kInBufferSize - in_end, data.size() - fed});
    std::memcpy(in.get() + in_end, data.data() + fed, n);
    in_end += n;
    fed += n;
    while (!closed) {
      if (!parser || parser->is_done()) {
        head.clear();
        parser.emplace(head, limits);
      }
      const std::size_t avail = in_end - in_begin;
      if (avail == 0) break;
      boost::beast::error_code ec;
      const std::size_t used = parser->put(boost::asio::buffer(in.get() + in_begin, avail), ec);
      in_begin += used;
      if (ec == bhttp::error::need_more) break;
      if (ec) {
        FramingError e = parse_error_answer(ec, head, {in.get() + in_begin, in_end - in_begin});
        FUZZ_CHECK(e.status >= 400 && e.status < 600 && !e.detail.empty());
        out.push_back({.status = e.status});
        closed = true;
        break;
      }
      if (parser->is_done()) {
        out.push_back(dispatched(head, *parser, req));
        closed = out.back().status != 0 || !out.back().keep_alive;
        continue;
      }
      if (used == 0) break;
    }
    if (in_begin == in_end) {
      in_begin = in_end = 0;
    } else if (in_begin > 0 && kInBufferSize - in_end < kInBufferSize / 2) {
      std::memmove(in.get(), in.get() + in_begin, in_end - in_begin);
      in_end -= in_begin;
      in_begin = 0;
    }
  }
  return out;
}

const std::string* field(const Outcome& o, std::string_view name) {
  for (const auto& [n, v] : o.fields) {
    if (brisk::util::iequals(n, name)) return &v;
  }
  return nullptr;
}

void check_limits(const Outcome& o) {
  const Limits limits;
  FUZZ_CHECK(o.version == 10 || o.version == 11);
  FUZZ_CHECK(o.body.size() <= limits.max_body_bytes);
  FUZZ_CHECK(o.fields.size() <= limits.max_header_fields);
  unsigned hosts = 0;
  for (const auto& [n, v] : o.fields) {
    FUZZ_CHECK(!n.empty());
    FUZZ_CHECK(v.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos);
    if (brisk::util::iequals(n, "host")) ++hosts;
  }
  FUZZ_CHECK(hosts <= 1 && (o.version == 10 || hosts == 1));
  const std::string* cl = field(o, "content-length");
  const std::string* te = field(o, "transfer-encoding");
  FUZZ_CHECK(!(cl && te));
  if (cl) {  // repeated lines of one value are joined: "0, 0", "00, 0"
    brisk::util::for_each_item(*cl, [&](std::string_view item) {
      std::uint64_t n = 0;
      auto r = std::from_chars(item.data(), item.data() + item.size(), n);
      FUZZ_CHECK(r.ec == std::errc() && r.ptr == item.data() + item.size() && n == o.body.size());
    });
  }
}

std::string_view method_text(Method m) {
  return m == Method::kOther ? std::string_view("FROB") : method_name(m);
}

// The request as a client could send it again: the same fields (a field
// sent on several lines is one line of the joined value), the body framed
// by Content-Length.
std::string rewrite(const Outcome& o) {
  std::string s;
  s.append(method_text(o.method)).append(" ").append(o.target);
  s.append(o.version == 10 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n");
  for (const auto& [n, v] : o.fields) {
    if (brisk::util::iequals(n, "content-length") || brisk::util::iequals(n, "transfer-encoding"))
      continue;
    s.append(n).append(": ").append(v).append("\r\n");
  }
  if (!o.body.empty()) s.append("Content-Length: ").append(std::to_string(o.body.size()));
  if (!o.body.empty()) s.append("\r\n");
  s.append("\r\n").append(o.body);
  return s;
}

void check_rewrite(const Outcome& o) {
  std::vector<Outcome> again = run(rewrite(o), Reads{0});
  FUZZ_CHECK(again.size() == 1 && again[0].status == 0);
  Outcome a = again[0];
  FUZZ_CHECK(a.method == o.method && a.version == o.version && a.keep_alive == o.keep_alive);
  FUZZ_CHECK(a.target == o.target && a.body == o.body);
  auto framing = [](const std::pair<std::string, std::string>& f) {
    return brisk::util::iequals(f.first, "content-length") ||
           brisk::util::iequals(f.first, "transfer-encoding");
  };
  std::erase_if(a.fields, framing);
  Outcome b = o;
  std::erase_if(b.fields, framing);
  FUZZ_CHECK(a.fields == b.fields);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  std::uint32_t seed;
  std::memcpy(&seed, data, 4);
  std::string_view bytes(reinterpret_cast<const char*>(data) + 4, size - 4);
  const std::vector<Outcome> whole = run(bytes, Reads{0});
  const std::vector<Outcome> split = run(bytes, Reads{std::uint64_t{seed} | 1});
  // The same outcomes, except that a request line that is already wrong
  // before its header block is complete may be refused at once when it
  // arrives in one read, and only once the block is complete (or at the
  // header timeout) when it trickles in: Beast parses a first read's start
  // line eagerly. Never a request accepted in one case and not the other.
  const std::size_t common = std::min(whole.size(), split.size());
  for (std::size_t i = 0; i < common; ++i) FUZZ_CHECK(whole[i] == split[i]);
  const std::vector<Outcome>& longer = whole.size() > split.size() ? whole : split;
  FUZZ_CHECK(longer.size() <= common + 1);
  if (longer.size() > common) FUZZ_CHECK(longer.back().status != 0);
  for (const Outcome& o : whole) {
    if (o.status != 0) continue;
    check_limits(o);
    check_rewrite(o);
  }
  return 0;
}
