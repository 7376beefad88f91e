// Builds HTTP/1.1 responses directly into the connection's output buffer, so
// a response costs appends and no allocation once the buffer has grown.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace brisk::http {

std::string_view reason_phrase(int status);

struct ResponseOptions {
  bool head_only = false;       // drop the body (HEAD) but keep its Content-Length
  bool close = false;           // "Connection: close"
  bool keep_alive_10 = false;   // "Connection: keep-alive", for an HTTP/1.0 client that asked
  std::string_view request_id;  // X-Request-Id, when not empty (outlives the builder)
};

class ResponseBuilder {
 public:
  // Writes the status line and the Server, Date and X-Request-Id headers.
  ResponseBuilder(std::string& out, int status, std::string_view date, const ResponseOptions& opts);

  ResponseBuilder& header(std::string_view name, std::string_view value);
  ResponseBuilder& header(std::string_view name, std::int64_t value);

  // Starts a body of the given type; the caller appends to the returned
  // buffer, then calls end_body(), which fills in Content-Length.
  std::string& begin_body(std::string_view content_type);
  void end_body();

  void body(std::string_view content_type, std::string_view data);
  // Ends the head of a body whose length is not known: no Content-Length,
  // so the body ends when the connection closes (the response must carry
  // Connection: close). The caller writes the body afterwards.
  void open_body(std::string_view content_type);

  // A response without a body: 204 and 304 send no Content-Length, other
  // statuses send "Content-Length: 0".
  void no_body();

  int status() const { return status_; }
  std::string_view request_id() const { return request_id_; }
  // Drops everything this response has written (e.g. a read failed after the
  // body was started), so the caller can answer differently.
  void abandon() { out_.resize(start_pos_); }

 private:
  std::string& out_;
  int status_;
  bool head_only_;
  std::string_view request_id_;
  std::size_t start_pos_;
  std::size_t length_pos_ = 0;  // where the Content-Length digits go
  std::size_t body_pos_ = 0;
};

}  // namespace brisk::http
