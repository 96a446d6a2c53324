#pragma once
// TLS contexts (TLS 1.2+). Built once from config; a bad file is a config error and throws
// std::runtime_error naming it. Contexts are shared read-only by all connections.
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "proxy/config/config.hpp"

namespace ocpi::proxy {

// What a TLS listener presents: certificate chain + key; a client CA turns on mutual TLS
// (verify_peer | fail_if_no_peer_cert). `what` prefixes error messages ("face.hub").
std::shared_ptr<boost::asio::ssl::context> make_server_tls(const face_config& face, const std::string& what);

// How the bridge talks to one https upstream. Host name verification and SNI are per connection
// (see upstream_pool); this holds trust anchors, verify mode and the optional client certificate.
struct client_tls {
  std::shared_ptr<boost::asio::ssl::context> context;
  bool verify_peer = true;
};
std::shared_ptr<const client_tls> make_client_tls(const tls_client_files& files, const std::string& what);

}  // namespace ocpi::proxy
