#include "proxy/cli/translate_command.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "ocpi/mapping.hpp"
#include "ocpi/memory_context.hpp"

namespace ocpi::proxy::cli {

const std::string_view translate_help =
    R"(usage: ocpi-bridge translate --object OBJECT --from VERSION --to VERSION --party CC*PID
                             [--patch] [--list] [--owner CC*PID] [--set KEY=VALUE ...]
                             [--context FILE ...] [--recipient WHO] [--sender CC*PID]
                             [--command TYPE] [--token-uid UID] [--token-type TYPE]
                             < in.json > out.json

Translates one OCPI object (or a PATCH body, or a page of objects) between OCPI 2.1.1 and 2.2.1
exactly as the bridge does on the wire, without any network.

  --object OBJECT   location evse connector token authorization_info location_references
                    start_session stop_session reserve_now cancel_reservation unlock_connector
                    command_response command_result session cdr tariff credentials version_details
  --from, --to      2.1.1 and 2.2.1, one each (2.1.1 -> 2.2.1 is "up", the reverse "down")
  --party CC*PID    the legacy party of the exchange: the owner pushing up, the recipient of a
                    down-conversion. Its role defaults to what the object implies (CPO for
                    Locations/Sessions/CDRs/Tariffs going up and Tokens going down, EMSP otherwise);
                    override with --set role=CPO|EMSP
  --owner CC*PID    owner named by the push URL (down: else read from the 2.2.1 object)
  --patch           the input is a PATCH body (nothing mandatory; null clears)
  --list            the input is a page: a JSON array of objects (dropped objects are left out)
  --set KEY=VALUE   any MAPPING section 0.3 key, e.g. --set emsp.location_id_mode=OWNER_ID;
                    for the --party the legacy[*]. prefix may be left out:
                    --set default_time_zone=Europe/Paris
  --context FILE    state the translation may need, as JSON: {"locations":[...2.2.1...],
                    "sessions":[...], "tariffs":[...], "tokens":[...], "authorizations":[...],
                    "exposed_location_ids":[...]} (repeatable)
  --now TIME        the clock used for defaults (default: the current UTC time)
  --recipient WHO   down only: hub, legacy_cpo or legacy_emsp (default: from the --party's role)
  --sender CC*PID   the party that sent a FromIOP request (OCPI-from; location_references down)
  --command TYPE    the command type from the URL (START_SESSION, ...; command_response)
  --token-uid UID, --token-type TYPE
                    the Token of the authorize URL (authorization_info up; type defaults to RFID)

Output: the translated JSON on stdout; the loss report on stderr, one line per field that was
dropped, defaulted, truncated or derived ("loss <kind> <path>: <reason>").
Exit status: 0 translated (a suppressed object prints nothing and says why on stderr),
1 usage error, 2 input refused ("error <ocpi status> <path>: <message>").
)";

namespace {

bool parse_party(std::string_view text, party& p) {
  const auto star = text.find('*');
  if (star == std::string_view::npos || star == 0 || star + 1 == text.size()) return false;
  p.country_code = std::string(text.substr(0, star));
  p.party_id = std::string(text.substr(star + 1));
  return true;
}

// Which legacy role the --party plays when the user does not say (see --help).
party_role default_role(object_kind k, direction d) {
  switch (k) {
    case object_kind::location:
    case object_kind::evse:
    case object_kind::connector:
    case object_kind::session:
    case object_kind::cdr:
    case object_kind::tariff: return d == direction::up ? party_role::cpo : party_role::emsp;
    case object_kind::token: return d == direction::up ? party_role::emsp : party_role::cpo;
    case object_kind::authorization_info: return d == direction::up ? party_role::emsp : party_role::cpo;
    case object_kind::command_response:
    case object_kind::command_result: return d == direction::up ? party_role::cpo : party_role::emsp;
    default: return d == direction::up ? party_role::emsp : party_role::cpo;
  }
}

std::string utc_now_text() {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

int run_translate(std::span<const std::string_view> args, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string object, from, to, now = utc_now_text(), recipient_name, command, token_uid, token_type;
  std::optional<party> legacy_id, owner, sender;
  bool patch = false, list = false;
  // Flags that take one value as given, and flags that name a party.
  const std::pair<std::string_view, std::string*> text_flags[] = {{"--object", &object},
                                                                  {"--from", &from},
                                                                  {"--to", &to},
                                                                  {"--now", &now},
                                                                  {"--recipient", &recipient_name},
                                                                  {"--command", &command},
                                                                  {"--token-uid", &token_uid},
                                                                  {"--token-type", &token_type}};
  const std::pair<std::string_view, std::optional<party>*> party_flags[] = {
      {"--party", &legacy_id}, {"--owner", &owner}, {"--sender", &sender}};
  std::vector<std::pair<std::string, std::string>> sets;
  std::vector<std::string> contexts;
  auto usage = [&](const std::string& msg) {
    err << "ocpi-bridge translate: " << msg << "\n(see ocpi-bridge translate --help)\n";
    return 1;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    auto value = [&](std::string& v) {
      if (i + 1 >= args.size()) return false;
      v = std::string(args[++i]);
      return true;
    };
    auto named = [&](const auto& flags) {
      return std::find_if(std::begin(flags), std::end(flags), [&](const auto& f) { return f.first == a; });
    };
    const auto text = named(text_flags);
    const auto who = named(party_flags);
    std::string v;
    if (a == "--help" || a == "-h") {
      out << translate_help;
      return 0;
    } else if (text != std::end(text_flags)) {
      if (!value(*text->second)) return usage(std::string(a) + " needs a value");
    } else if (who != std::end(party_flags)) {
      party p;
      if (!value(v) || !parse_party(v, p)) return usage(std::string(a) + " expects CC*PID");
      *who->second = p;
    } else if (a == "--patch") {
      patch = true;
    } else if (a == "--list") {
      list = true;
    } else if (a == "--set") {
      if (!value(v)) return usage("--set needs KEY=VALUE");
      const auto eq = v.find('=');
      if (eq == std::string::npos || eq == 0) return usage("--set expects KEY=VALUE, got '" + v + "'");
      sets.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    } else if (a == "--context") {
      if (!value(v)) return usage("--context needs a file");
      contexts.push_back(v);
    } else {
      return usage("unknown argument '" + std::string(a) + "'");
    }
  }
  const auto kind = parse_object_kind(object);
  if (!kind) return usage(object.empty() ? "--object is required" : "unknown object '" + object + "'");
  direction dir;
  if (from == "2.1.1" && to == "2.2.1") dir = direction::up;
  else if (from == "2.2.1" && to == "2.1.1") dir = direction::down;
  else return usage("--from/--to must be 2.1.1 and 2.2.1 (one each)");
  if (!legacy_id) return usage("--party CC*PID is required");
  if (patch && list) return usage("--patch and --list exclude each other");
  std::optional<recipient> to_override;
  if (recipient_name == "hub")
    to_override = recipient::hub;
  else if (recipient_name == "legacy_cpo")
    to_override = recipient::legacy_cpo;
  else if (recipient_name == "legacy_emsp")
    to_override = recipient::legacy_emsp;
  else if (!recipient_name.empty())
    return usage("--recipient expects hub, legacy_cpo or legacy_emsp");

  mapping_options opts;
  legacy_party lp;
  lp.id = *legacy_id;
  lp.role = default_role(*kind, dir);
  lp.business_name = legacy_id->emi3();
  for (const auto& [k, v] : sets)
    if (auto e = opts.set(k, v, &lp)) return usage(*e);
  opts.legacy.push_back(lp);

  memory_context ctx(opts, now);
  for (const auto& file : contexts) {
    std::ifstream f(file, std::ios::binary);
    if (!f) return usage("cannot read context file " + file);
    try {
      ctx.load(std::string(std::istreambuf_iterator<char>(f), {}));
    } catch (const std::exception& e) {
      return usage(file + ": " + e.what());
    }
  }

  translate_request req;
  req.kind = *kind;
  req.dir = dir;
  req.shape = patch ? input_shape::patch : list ? input_shape::list : input_shape::object;
  req.legacy = &ctx.options().legacy.front();
  if (owner)
    req.owner = owner;
  else if (dir == direction::up) req.owner = legacy_id;
  req.to = dir == direction::up ? recipient::hub
                                : (req.legacy->role == party_role::emsp ? recipient::legacy_emsp : recipient::legacy_cpo);
  if (to_override && dir == direction::down) req.to = *to_override;
  req.from = sender;
  req.command = command;
  req.token_uid = token_uid;
  req.token_type = token_type;

  const std::string input(std::istreambuf_iterator<char>(in), {});
  const translation t = translate(req, input, ctx);
  for (const auto& l : t.losses) err << "loss " << to_string(l.kind) << " " << (l.path.empty() ? "." : l.path) << ": " << l.reason << "\n";
  if (!t.ok()) {
    err << "error " << t.err->status_code << " " << (t.err->path.empty() ? "." : t.err->path) << ": " << t.err->message << "\n";
    return 2;
  }
  if (t.suppressed) {
    err << "suppressed: the object is not forwarded in this direction (see the loss report)\n";
    return 0;
  }
  out << t.body << "\n";
  return 0;
}

}  // namespace ocpi::proxy::cli
