#pragma once
// Endpoint discovery (MAPPING §1.2.2): from a peer's versions URL, the version the bridge speaks
// with it, then its version details. Used at start-up, by the daily refresh and by registration
// (§2.3 step 5, §2.4), which answers with the OCPI status the failure maps to.
#include <boost/asio/awaitable.hpp>
#include <string>

#include "proxy/pipeline/endpoints.hpp"
#include "proxy/router/runtime.hpp"

namespace ocpi::proxy {

template <class Directory>
struct discovery {
  Directory directory;
  discovery_error err = discovery_error::none;
  std::string why;  // for logs and the registration answer's message
  bool ok() const { return err == discovery_error::none; }
  // §2.3/§2.4: unreachable or not OCPI -> 3001, version not offered -> 3002.
  int ocpi_status() const { return err == discovery_error::version_not_offered ? 3002 : 3001; }
};

boost::asio::awaitable<discovery<iop_directory>> fetch_iop_directory(runtime& rt, const std::string& versions_url,
                                                                     const std::string& token);
boost::asio::awaitable<discovery<legacy_directory>> fetch_legacy_directory(runtime& rt, std::size_t index,
                                                                           const std::string& versions_url,
                                                                           const std::string& token);

}  // namespace ocpi::proxy
