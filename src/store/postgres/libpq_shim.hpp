// libpq, loaded when first needed rather than linked.
//
// Linking libpq maps it and its dependency tree (OpenSSL, GnuTLS, Kerberos,
// LDAP, SASL: 21 more libraries) into every brisk process, which cost the
// SQLite-only server 5.8 MB of idle RSS (docs/DECISIONS.md). brisk therefore
// does not link libpq: libpq_shim.cpp defines each libpq function brisk
// calls as a forwarder to the function of the same name in libpq.so.5,
// dlopen'ed on the first connection to PostgreSQL. The libpq-fe.h
// declarations stay the interface, so a call site does not change, and a
// forwarder whose signature drifts from the header does not compile.
#pragma once

#include <string>

namespace brisk::store::postgres {

// Loads libpq.so.5 once (thread-safe). False, with the reason in `why`,
// when it cannot be loaded; no other libpq function may be called then.
// Every path to PostgreSQL starts with connect() (pg.hpp), which asks this.
bool load_libpq(std::string& why);

}  // namespace brisk::store::postgres
