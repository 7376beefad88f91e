/* The canned ceiling on io_uring: the same behaviour as ../canned/canned.c
 * (every HTTP/1.1 request gets the same canned 200; request boundaries are
 * the end of headers then Content-Length body bytes, so keep-alive and
 * pipelined requests each get exactly one answer, and all answers to one
 * read leave in one write), but the socket path runs on one io_uring:
 *   - one multishot accept on the listener;
 *   - one multishot recv per connection, reading into a provided buffer ring
 *     (liburing 2.3 has no io_uring_setup_buf_ring: the ring is mmap'ed here
 *     and registered with io_uring_register_buf_ring);
 *   - sends are SQEs; every completion of a loop iteration is handled, then a
 *     single io_uring_submit_and_wait submits the new SQEs and waits for the
 *     next batch: one syscall per loop iteration, not per request.
 * It exists to measure how much CPU per request io_uring saves against the
 * epoll canned server (issue 17), not to serve anything.
 *
 *     cc -O2 -Wall -Wextra -o canned_uring canned_uring.c -luring && ./canned_uring 8080
 */
#define _GNU_SOURCE
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../canned/canned_http.h"

/* 512 buffers: wrk uses 100 connections. Building with a handful
   (-DCANNED_URING_BUFS=4) exercises the -ENOBUFS re-arm path. */
#ifndef CANNED_URING_BUFS
#define CANNED_URING_BUFS 512
#endif

static char response[512];
static size_t response_len;

enum {
  IN_CAP = 65536,
  OUT_MAX = 16 << 20,  /* unsent answers beyond this: the peer is not reading, close */
  SQ_ENTRIES = 1024,
  CQ_ENTRIES = 16384,
  BUF_COUNT = CANNED_URING_BUFS, /* provided buffers (power of two) */
  BUF_SIZE = 4096,
  BGID = 1,
};

/* user_data: a struct conn pointer (malloc'ed, so 16-byte aligned) with the
   operation in its low bits; the listener's accept and the cancels carry no
   pointer. */
enum { OP_ACCEPT = 1, OP_RECV = 2, OP_SEND = 3, OP_CANCEL = 4, OP_MASK = 15 };

struct outbuf {
  char *p;
  size_t len, cap;
};

struct conn {
  int fd;
  int recv_armed;     /* a multishot recv is in the kernel (ended by a CQE without F_MORE) */
  int send_inflight;  /* cur is being sent; it must not move until its CQE */
  int closing;        /* freed once neither recv nor send is in the kernel */
  size_t sent;        /* bytes of cur already sent */
  struct outbuf cur;  /* in the kernel's hands while send_inflight */
  struct outbuf next; /* answers produced while cur is in flight */
  size_t in_len;      /* bytes buffered */
  size_t skip;        /* body bytes of the current request still to discard */
  char in[IN_CAP];
};

static struct io_uring ring;
static struct io_uring_buf_ring *bufring;
static char *bufs;
static int bufs_returned; /* buffers given back this iteration, published at its end */
static int listen_fd;

/* Counts the complete requests in c->in and drops them (canned_http.h). */
static size_t take_requests(struct conn *c) {
  return canned_take_requests(c->in, &c->in_len, &c->skip);
}

/* An SQE; when the SQ is full, the queued ones are submitted first (rare:
   the SQ holds more entries than there are connections). */
static struct io_uring_sqe *get_sqe(void) {
  struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
  if (!sqe) {
    io_uring_submit(&ring);
    sqe = io_uring_get_sqe(&ring);
  }
  if (!sqe) {
    fprintf(stderr, "canned_uring: no SQE\n");
    exit(1);
  }
  return sqe;
}

static void arm_accept(void) {
  struct io_uring_sqe *sqe = get_sqe();
  io_uring_prep_multishot_accept(sqe, listen_fd, NULL, NULL, 0);
  io_uring_sqe_set_data64(sqe, OP_ACCEPT);
}

static void arm_recv(struct conn *c) {
  struct io_uring_sqe *sqe = get_sqe();
  io_uring_prep_recv_multishot(sqe, c->fd, NULL, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = BGID;
  io_uring_sqe_set_data64(sqe, (uintptr_t)c | OP_RECV);
  c->recv_armed = 1;
}

static void send_cur(struct conn *c) {
  struct io_uring_sqe *sqe = get_sqe();
  io_uring_prep_send(sqe, c->fd, c->cur.p + c->sent, c->cur.len - c->sent, MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, (uintptr_t)c | OP_SEND);
  c->send_inflight = 1;
}

/* Frees c once the kernel holds no request of it. */
static void maybe_free(struct conn *c) {
  if (!c->closing || c->recv_armed || c->send_inflight) return;
  close(c->fd);
  free(c->cur.p);
  free(c->next.p);
  free(c);
}

static void close_conn(struct conn *c) {
  if (!c->closing) {
    c->closing = 1;
    if (c->recv_armed) { /* its last CQE (-ECANCELED, no F_MORE) clears recv_armed */
      struct io_uring_sqe *sqe = get_sqe();
      io_uring_prep_cancel64(sqe, (uintptr_t)c | OP_RECV, 0);
      io_uring_sqe_set_data64(sqe, OP_CANCEL);
    }
  }
  maybe_free(c);
}

/* Appends n answers to c's pending output and starts a send if none is in
   flight: all answers to one read leave in one send. */
static int answer(struct conn *c, size_t n) {
  struct outbuf *o = c->send_inflight ? &c->next : &c->cur;
  size_t need = o->len + n * response_len;
  if (need > OUT_MAX) return -1;
  if (need > o->cap) {
    size_t cap = o->cap ? o->cap : 4096;
    while (cap < need) cap *= 2;
    char *p = realloc(o->p, cap);
    if (!p) return -1;
    o->p = p;
    o->cap = cap;
  }
  while (n--) {
    memcpy(o->p + o->len, response, response_len);
    o->len += response_len;
  }
  if (!c->send_inflight) {
    c->sent = 0;
    send_cur(c);
  }
  return 0;
}

/* Buffers recv'd bytes and answers every complete request; -1 to close. */
static int on_data(struct conn *c, const char *data, size_t len) {
  size_t answers = 0;
  while (len) {
    size_t take = IN_CAP - c->in_len < len ? IN_CAP - c->in_len : len;
    memcpy(c->in + c->in_len, data, take);
    c->in_len += take;
    data += take;
    len -= take;
    answers += take_requests(c);
    if (c->in_len == IN_CAP) return -1; /* header block too large */
  }
  return answers ? answer(c, answers) : 0;
}

static void give_back(unsigned bid) {
  io_uring_buf_ring_add(bufring, bufs + (size_t)bid * BUF_SIZE, BUF_SIZE, (unsigned short)bid,
                        io_uring_buf_ring_mask(BUF_COUNT), bufs_returned++);
}

static void on_recv(struct conn *c, struct io_uring_cqe *cqe) {
  int more = cqe->flags & IORING_CQE_F_MORE;
  if (!more) c->recv_armed = 0;
  if (cqe->flags & IORING_CQE_F_BUFFER) {
    unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
    if (cqe->res > 0 && !c->closing &&
        on_data(c, bufs + (size_t)bid * BUF_SIZE, (size_t)cqe->res) < 0)
      close_conn(c);
    give_back(bid); /* the bytes were copied into c->in */
  }
  if (c->closing) {
    maybe_free(c);
    return;
  }
  if (cqe->res == 0 || (cqe->res < 0 && cqe->res != -ENOBUFS)) {
    close_conn(c); /* peer closed, or a socket error */
    return;
  }
  /* The multishot recv ended: the buffer ring ran dry (-ENOBUFS; buffers come
     back at the end of this iteration, before the re-armed recv is
     submitted), or the kernel ended it for its own reasons. */
  if (!more) arm_recv(c);
}

static void on_send(struct conn *c, struct io_uring_cqe *cqe) {
  c->send_inflight = 0;
  if (c->closing) {
    maybe_free(c);
    return;
  }
  if (cqe->res <= 0) {
    close_conn(c);
    return;
  }
  c->sent += (size_t)cqe->res;
  if (c->sent < c->cur.len) { /* partial send: the rest of the same bytes */
    send_cur(c);
    return;
  }
  c->cur.len = c->sent = 0;
  if (c->next.len) { /* answers that arrived while cur was in flight */
    struct outbuf t = c->cur;
    c->cur = c->next;
    c->next = t;
    send_cur(c);
  }
}

static void on_accept(struct io_uring_cqe *cqe) {
  if (cqe->res >= 0) {
    int one = 1;
    setsockopt(cqe->res, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct conn *c = calloc(1, sizeof *c);
    if (!c) {
      close(cqe->res);
    } else {
      c->fd = cqe->res;
      arm_recv(c);
    }
  }
  if (!(cqe->flags & IORING_CQE_F_MORE)) arm_accept();
}

/* The ring, with the cheapest task-run mode the kernel accepts. */
static const char *setup_ring(void) {
  static const struct {
    unsigned flags;
    const char *name;
  } modes[] = {
      {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, "SINGLE_ISSUER|DEFER_TASKRUN"},
      {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
       "SINGLE_ISSUER|COOP_TASKRUN|TASKRUN_FLAG"},
      {IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN"},
      {0, "no flags"},
  };
  /* CANNED_URING_SETUP=coop skips DEFER_TASKRUN, to compare the two. */
  const char *want = getenv("CANNED_URING_SETUP");
  size_t first = want && strcmp(want, "coop") == 0 ? 1 : 0;
  for (size_t i = first; i < sizeof modes / sizeof modes[0]; ++i) {
    struct io_uring_params p = {.flags = modes[i].flags | IORING_SETUP_CQSIZE,
                                .cq_entries = CQ_ENTRIES};
    int ret = io_uring_queue_init_params(SQ_ENTRIES, &ring, &p);
    if (ret == 0) return modes[i].name;
    if (i + 1 == sizeof modes / sizeof modes[0]) {
      fprintf(stderr, "io_uring_queue_init_params: %s\n", strerror(-ret));
      exit(1);
    }
  }
  return NULL;
}

static void setup_buffers(void) {
  size_t ring_bytes = BUF_COUNT * sizeof(struct io_uring_buf);
  bufring = mmap(NULL, ring_bytes, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  bufs = malloc((size_t)BUF_COUNT * BUF_SIZE);
  if (bufring == MAP_FAILED || !bufs) {
    perror("buffers");
    exit(1);
  }
  struct io_uring_buf_reg reg = {.ring_addr = (uintptr_t)bufring, .ring_entries = BUF_COUNT,
                                 .bgid = BGID};
  int ret = io_uring_register_buf_ring(&ring, &reg, 0);
  if (ret) {
    fprintf(stderr, "io_uring_register_buf_ring: %s\n", strerror(-ret));
    exit(1);
  }
  io_uring_buf_ring_init(bufring);
  for (unsigned bid = 0; bid < BUF_COUNT; ++bid) give_back(bid);
  io_uring_buf_ring_advance(bufring, bufs_returned);
  bufs_returned = 0;
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 8080;
  signal(SIGPIPE, SIG_IGN);
  response_len = canned_response(response, sizeof response);

  listen_fd = canned_listen(port, SOCK_STREAM);
  if (listen_fd < 0) return 1;
  const char *mode = setup_ring();
  /* The registered ring fd spares each io_uring_enter an fd lookup; optional. */
  int ring_fd_registered = io_uring_register_ring_fd(&ring) == 1;
  setup_buffers();
  arm_accept();
  printf("canned_uring listening on http://127.0.0.1:%d (%s%s)\n", port, mode,
         ring_fd_registered ? ", registered ring fd" : "");
  fflush(stdout);

  for (;;) {
    int ret = io_uring_submit_and_wait(&ring, 1);
    if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY) {
      fprintf(stderr, "io_uring_submit_and_wait: %s\n", strerror(-ret));
      return 1;
    }
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0;
    io_uring_for_each_cqe(&ring, head, cqe) {
      ++seen;
      uint64_t ud = io_uring_cqe_get_data64(cqe);
      struct conn *c = (struct conn *)(uintptr_t)(ud & ~(uint64_t)OP_MASK);
      switch (ud & OP_MASK) {
        case OP_ACCEPT: on_accept(cqe); break;
        case OP_RECV: on_recv(c, cqe); break;
        case OP_SEND: on_send(c, cqe); break;
        default: break; /* OP_CANCEL: its target's own CQE does the work */
      }
    }
    io_uring_cq_advance(&ring, seen);
    /* Buffers consumed this iteration go back before the next submit, so a
       recv re-armed after -ENOBUFS finds them. */
    if (bufs_returned) {
      io_uring_buf_ring_advance(bufring, bufs_returned);
      bufs_returned = 0;
    }
  }
}
