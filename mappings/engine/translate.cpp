// ocpi::translate: the one entry point of the mappings library. Parses with simdjson On-Demand
// (one thread-local parser, reused) and walks the input once, writing the output as it goes.
#include <simdjson.h>

#include "engine/registry.hpp"

namespace ocpi {

namespace {

// Largest body a translation accepts; the proxy's own body limit is smaller.
constexpr std::size_t max_document = 64U * 1024U * 1024U;

struct thread_state {
  simdjson::ondemand::parser parser{max_document};
  std::string padded;  // used only when the caller's buffer lacks simdjson's padding
};

thread_state& local() {
  thread_local thread_state s;
  return s;
}

}  // namespace

translation translate(const translate_request& req, std::string_view json, mapping_context& ctx,
                      std::size_t capacity) {
  translation result;
  auto& ts = local();
  const char* data = json.data();
  if (capacity < json.size() + simdjson::SIMDJSON_PADDING) {
    ts.padded.reserve(json.size() + simdjson::SIMDJSON_PADDING);
    ts.padded.assign(json);
    data = ts.padded.data();
    capacity = ts.padded.capacity();
  }
  result.body.reserve(json.size() + json.size() / 4 + 64);
  json_writer out(result.body);
  mappings::walk w(req, ctx, out, result);

  if (json.size() > max_document) {
    result.err = error{status::client_error, 413, {}, "body too large"};
    return result;
  }
  simdjson::ondemand::document doc;
  if (auto ec = ts.parser.iterate(data, json.size(), capacity).get(doc)) {
    w.fail_json({}, ec);
    if (result.err && result.err->http_status == 400) result.err->message = mappings::not_json_message(ec, json);
    result.body.clear();
    return result;
  }
  const mappings::entry_fn entry = mappings::find_entry(req.kind, req.dir);

  if (req.shape == input_shape::list) {
    simdjson::ondemand::array arr;
    if (auto ec = doc.get_array().get(arr)) {
      if (ec == simdjson::INCORRECT_TYPE) w.fail(status::invalid_parameters, {}, "expected an array of objects");
      else w.fail_json({}, ec);
    } else {
      out.begin_array();
      std::size_t i = 0;
      for (auto e : arr) {
        simdjson::ondemand::value v;
        if (auto ec = e.get(v)) { w.fail_json({}, ec); break; }
        w.push(i++);
        bool dropped = false;
        const bool ok = entry(w, v, &dropped);
        w.pop();
        if (!ok) break;
        if (dropped) ++result.left_out;
      }
      out.end_array();
    }
  } else {
    simdjson::ondemand::value root;
    if (auto ec = doc.get_value().get(root)) {
      w.fail_json({}, ec);
    } else {
      bool dropped = false;
      if (entry(w, root, &dropped) && dropped) {
        result.suppressed = true;
        result.body.clear();
      }
    }
  }
  if (result.err) {
    result.body.clear();
    // On-Demand validates lazily: a truncated or malformed document can surface as a type error
    // at some field, or as a lone value (an HTML page). Only on this (cold) error path, check the
    // whole text so that a body that is not JSON is reported as such (HTTP 400, MAPPING §1.6.3),
    // not as a wrong field, and in words that say what is wrong with the body.
    if (result.err->http_status != 413) {
      thread_local simdjson::dom::parser validator;
      simdjson::dom::element ignored;
      const auto ec = validator.parse(data, json.size(), false).get(ignored);
      // Numbers out of range and invalid UTF-8 keep their precise field error (2001).
      if (ec && ec != simdjson::NUMBER_ERROR && ec != simdjson::NUMBER_OUT_OF_RANGE && ec != simdjson::UTF8_ERROR)
        result.err = error{status::client_error, 400, {}, mappings::not_json_message(ec, json)};
    }
  }
  return result;
}

}  // namespace ocpi
