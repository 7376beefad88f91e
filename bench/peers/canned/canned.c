/* The ceiling: a single-threaded epoll server that answers every HTTP/1.1
 * request with the same canned bytes (a 200 with a task-sized JSON body).
 * It does no routing and keeps no tasks; it parses just enough to find
 * request boundaries (end of headers, then Content-Length bytes of body) so
 * that keep-alive and pipelined requests each get exactly one answer, and all
 * answers to one read leave in one write.
 *
 *     cc -O2 -o canned canned.c && ./canned 8080
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "canned_http.h"

static char response[512];
static size_t response_len;

enum { IN_CAP = 65536, OUT_CAP = 1 << 20 };

struct conn {
  int fd;
  size_t in_len;  /* bytes buffered */
  size_t skip;    /* body bytes of the current request still to discard */
  char in[IN_CAP];
};

static void close_conn(int ep, struct conn *c) {
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  free(c);
}

/* Reads what is there, answers every complete request; returns -1 to close. */
static int on_readable(struct conn *c, char *out) {
  for (;;) {
    size_t space = IN_CAP - c->in_len;
    ssize_t r = read(c->fd, c->in + c->in_len, space);
    if (r == 0) return -1;
    if (r < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    c->in_len += (size_t)r;

    size_t answers = canned_take_requests(c->in, &c->in_len, &c->skip);
    if (c->in_len == IN_CAP) return -1; /* header block too large */

    size_t out_len = 0;
    while (answers--) {
      if (out_len + response_len > OUT_CAP) {
        if (write(c->fd, out, out_len) != (ssize_t)out_len) return -1;
        out_len = 0;
      }
      memcpy(out + out_len, response, response_len);
      out_len += response_len;
    }
    /* wrk reads everything it is sent; a short write only happens when the
       peer stops reading, and then closing is the right answer. */
    if (out_len && write(c->fd, out, out_len) != (ssize_t)out_len) return -1;
    if ((size_t)r < space) return 0; /* level-triggered: epoll says if more */
  }
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 8080;
  signal(SIGPIPE, SIG_IGN);
  response_len = canned_response(response, sizeof response);

  int lfd = canned_listen(port, SOCK_STREAM | SOCK_NONBLOCK);
  if (lfd < 0) return 1;
  int one = 1; /* TCP_NODELAY on each accepted connection */
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  printf("canned listening on http://127.0.0.1:%d\n", port);
  fflush(stdout);

  static char out[OUT_CAP];
  struct epoll_event events[256];
  for (;;) {
    int n = epoll_wait(ep, events, 256, -1);
    for (int i = 0; i < n; ++i) {
      struct conn *c = events[i].data.ptr;
      if (!c) { /* the listener */
        int fd;
        while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          struct conn *nc = malloc(sizeof *nc);
          nc->fd = fd;
          nc->in_len = nc->skip = 0;
          struct epoll_event cev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = nc};
          epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
        }
        continue;
      }
      if (on_readable(c, out) < 0 || (events[i].events & (EPOLLERR | EPOLLHUP))) close_conn(ep, c);
    }
  }
}
