/* What both canned servers share (canned.c on epoll, ../canned-uring on
 * io_uring), so that they differ only in how they use the socket: the
 * answer's bytes and the request boundaries (end of headers, then
 * Content-Length bytes of body). Include after defining _GNU_SOURCE
 * (memmem). */
#pragma once
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define CANNED_BODY                                                                          \
  "{\"id\":\"01a19467-ebe6-7a04-bcea-af308142c8ea\",\"title\":\"Budget migrate #1\","        \
  "\"description\":\"\",\"status\":\"pending\",\"priority\":4,\"due_at\":null,\"tags\":[],"  \
  "\"created_at\":\"2026-11-01T00:00:00.998Z\",\"updated_at\":\"2026-11-01T00:00:00.998Z\"," \
  "\"version\":1}"

/* Writes the whole answer (status line, headers, body) into out; its length. */
static size_t canned_response(char* out, size_t cap) {
  return (size_t)snprintf(out, cap,
                          "HTTP/1.1 200 OK\r\nServer: canned\r\n"
                          "Content-Type: application/json\r\n"
                          "Content-Length: %zu\r\n\r\n%s",
                          sizeof(CANNED_BODY) - 1, CANNED_BODY);
}

/* Content-Length of the header block [p, end), or 0. */
static size_t canned_content_length(const char* p, const char* end) {
  static const char name[] = "\ncontent-length:";
  size_t n = sizeof name - 1;
  for (; p + n <= end; ++p) {
    if (*p == '\n' && strncasecmp(p, name, n) == 0) {
      p += n;
      while (p < end && (*p == ' ' || *p == '\t')) ++p;
      size_t v = 0;
      while (p < end && *p >= '0' && *p <= '9') v = v * 10 + (size_t)(*p++ - '0');
      return v;
    }
  }
  return 0;
}

/* Counts the complete requests in in[0, *len) and drops them, moving what
   is left to the front. *skip carries the body bytes of the current request
   still to discard from one call to the next. */
static size_t canned_take_requests(char* in, size_t* len, size_t* skip) {
  size_t answers = 0, pos = 0;
  for (;;) {
    if (*skip) { /* discard the body of the previous request */
      size_t take = *len - pos < *skip ? *len - pos : *skip;
      pos += take;
      *skip -= take;
      if (*skip) break;
    }
    char* start = in + pos;
    char* hdr_end = memmem(start, *len - pos, "\r\n\r\n", 4);
    if (!hdr_end) break;
    *skip = canned_content_length(start, hdr_end + 2);
    pos = (size_t)(hdr_end + 4 - in);
    ++answers;
  }
  memmove(in, in + pos, *len - pos);
  *len -= pos;
  return answers;
}

/* A listening socket on 127.0.0.1:port (type: SOCK_STREAM with any flags,
   e.g. SOCK_NONBLOCK), or -1 after perror. */
static int canned_listen(int port, int type) {
  int fd = socket(AF_INET, type, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (fd < 0 || bind(fd, (struct sockaddr*)&addr, sizeof addr) || listen(fd, 4096)) {
    perror("bind/listen");
    return -1;
  }
  return fd;
}
