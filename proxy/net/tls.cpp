#include "proxy/net/tls.hpp"

#include <stdexcept>

#include <openssl/ssl.h>

namespace ocpi::proxy {

namespace ssl = boost::asio::ssl;

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& file, const boost::system::error_code& ec) {
  throw std::runtime_error(path + ": cannot use '" + file + "': " + ec.message());
}

std::shared_ptr<ssl::context> base_context(ssl::context::method method) {
  auto ctx = std::make_shared<ssl::context>(method);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  return ctx;
}

void load_identity(ssl::context& ctx, const std::string& cert, const std::string& key, const std::string& what,
                   const char* cert_key, const char* key_key) {
  boost::system::error_code ec;
  ctx.use_certificate_chain_file(cert, ec);
  if (ec) fail(what + "." + cert_key, cert, ec);
  ctx.use_private_key_file(key, ssl::context::pem, ec);
  if (ec) fail(what + "." + key_key, key, ec);
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1)
    throw std::runtime_error(what + "." + key_key + ": private key does not match the certificate");
}

}  // namespace

std::shared_ptr<ssl::context> make_server_tls(const face_config& face, const std::string& what) {
  auto ctx = base_context(ssl::context::tls_server);
  load_identity(*ctx, face.cert_file, face.key_file, what, "cert_file", "key_file");
  if (!face.client_ca_file.empty()) {
    boost::system::error_code ec;
    ctx->load_verify_file(face.client_ca_file, ec);
    if (ec) fail(what + ".client_ca_file", face.client_ca_file, ec);
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  }
  return ctx;
}

std::shared_ptr<const client_tls> make_client_tls(const tls_client_files& files, const std::string& what) {
  auto out = std::make_shared<client_tls>();
  out->context = base_context(ssl::context::tls_client);
  out->verify_peer = files.verify_peer;
  boost::system::error_code ec;
  if (files.ca_file.empty()) {
    out->context->set_default_verify_paths(ec);
    if (ec) fail(what + ".ca_file", "(system default)", ec);
  } else {
    out->context->load_verify_file(files.ca_file, ec);
    if (ec) fail(what + ".ca_file", files.ca_file, ec);
  }
  out->context->set_verify_mode(files.verify_peer ? ssl::verify_peer : ssl::verify_none);
  if (!files.client_cert_file.empty())
    load_identity(*out->context, files.client_cert_file, files.client_key_file, what, "client_cert_file",
                  "client_key_file");
  return out;
}

}  // namespace ocpi::proxy
