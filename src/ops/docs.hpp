// GET /openapi.json (the document, generated once by set_document) and
// GET /docs, /docs/{asset} (Swagger UI, embedded in the binary).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "api/route_table.hpp"
#include "http/prepared_file.hpp"
#include "http/router.hpp"
#include "ops/embedded_files.hpp"

namespace brisk::ops {

class DocsRoutes {
 public:
  DocsRoutes();
  ~DocsRoutes();
  void register_on(api::RouteTable& r);
  // The document served at /openapi.json; call once, before serving.
  void set_document(std::string json);

 private:
  std::unique_ptr<http::PreparedFile> document_;
  EmbeddedFiles ui_;  // Swagger UI
  std::vector<std::unique_ptr<http::Handler>> handlers_;
};

}  // namespace brisk::ops
