"""End-to-end harness: the real ocpi-bridge between the bundled simulated peers, on 127.0.0.1.

Python 3 standard library only. A `World` starts three simulators (hub = IOP 2.2.1, legacy CPO and
legacy eMSP = OCPI 2.1.1) on ephemeral ports, writes a bridge configuration pointing at them, starts
the bridge, and offers helpers to drive the simulators' admin API (/_sim/...) and the bridge directly.
Everything started is stopped again (SIGTERM, then SIGKILL), also when a test fails or setup breaks.

Binaries come from the command line (--bridge/--hub-sim/--legacy-sim, see `parse_cli`) or from the
environment (OCPI_BRIDGE_BIN, OCPI_HUB_SIM_BIN, OCPI_LEGACY_SIM_BIN; OCPI_E2E_TLS=1 for TLS;
OCPI_E2E_TRAILING_SLASH=0 runs the simulators without their trailing-slash mode, to tell a failure
of another defect from the URL one when bisecting with an older bridge).

Identities (MAPPING §6.0 fixture): IOP FR/107; the legacy CPO is "CPO-B" (BE/BEC, BeCharged,
Europe/Brussels) so that TV-03/TV-05 apply verbatim; the legacy eMSP is "EMSP-A" (FR/EMP).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import queue
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(REPO, "tests", "data", "peers")

# ---- identities and tokens (MAPPING §6.0) -------------------------------------------------------
IOP = {"country_code": "FR", "party_id": "107", "name": "GIREVE",
       "token_bridge_sends": "iop-token-B-1234",      # bridge -> IOP (Base64 on the wire)
       "token_iop_sends": "proxy-token-C-5678"}       # IOP -> bridge
CPO = {"country_code": "BE", "party_id": "BEC", "name": "BeCharged", "time_zone": "Europe/Brussels",
       "operator_id": "BE*BEC",
       "token_bridge_sends": "cpob-legacy-token",     # bridge -> legacy CPO (raw)
       "token_legacy_sends": "cpob-calls-proxy"}      # legacy CPO -> bridge (raw)
EMSP = {"country_code": "FR", "party_id": "EMP", "name": "Example eMSP",
        "token_bridge_sends": "emsp-legacy-token",
        "token_legacy_sends": "emsp-calls-proxy"}

# Bridge settings chosen for tests (small limits and short timeouts keep the suite fast).
BODY_LIMIT = 65536
UPSTREAM_TIMEOUT_MS = 3000
SHUTDOWN_GRACE_MS = 3000
STARTUP_TIMEOUT_S = 20.0

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


class StartupError(RuntimeError):
    pass


def b64(token: str) -> str:
    return base64.b64encode(token.encode()).decode()


def load(name: str):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return json.load(f)


def load_data(module: str, name: str):
    """A golden file of tests/data/<module>/."""
    with open(os.path.join(REPO, "tests", "data", module, name), encoding="utf-8") as f:
        return json.load(f)


# ---- command line / environment ------------------------------------------------------------------
class Binaries:
    bridge = os.environ.get("OCPI_BRIDGE_BIN", "")
    hub_sim = os.environ.get("OCPI_HUB_SIM_BIN", "")
    legacy_sim = os.environ.get("OCPI_LEGACY_SIM_BIN", "")
    tls = os.environ.get("OCPI_E2E_TLS", "") not in ("", "0", "false")
    keep_logs = os.environ.get("OCPI_E2E_KEEP", "") not in ("", "0")


def parse_cli(argv):
    """Consumes the harness options; returns the argv left for unittest."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--bridge")
    p.add_argument("--hub-sim")
    p.add_argument("--legacy-sim")
    p.add_argument("--tls", action="store_true")
    p.add_argument("--keep-logs", action="store_true")
    ns, rest = p.parse_known_args(argv[1:])
    if ns.bridge: Binaries.bridge = ns.bridge
    if ns.hub_sim: Binaries.hub_sim = ns.hub_sim
    if ns.legacy_sim: Binaries.legacy_sim = ns.legacy_sim
    if ns.tls: Binaries.tls = True
    if ns.keep_logs: Binaries.keep_logs = True
    return [argv[0]] + rest


def require_binaries(*names):
    for n in names:
        path = getattr(Binaries, n)
        if path:
            path = os.path.abspath(path)
            setattr(Binaries, n, path)
        if not path or not os.access(path, os.X_OK):
            raise StartupError(f"{n} binary not found or not executable: {path!r} "
                               f"(pass --{n.replace('_', '-')} PATH or set OCPI_{n.upper()}_BIN)")


# ---- processes -----------------------------------------------------------------------------------
class Proc:
    """A child process whose stdout is read line by line (for LISTENING lines) and whose stderr
    goes to a log file; `stop()` is SIGTERM then SIGKILL."""

    def __init__(self, name, cmd, workdir):
        self.name, self.cmd = name, cmd
        self.stdout_lines = []
        self._lines = queue.Queue()
        self.err_path = os.path.join(workdir, f"{name}.stderr.log")
        self._err = open(self.err_path, "wb")
        try:
            self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._err, stdin=subprocess.DEVNULL,
                                      cwd=workdir, start_new_session=True)
        except OSError:
            self._err.close()
            raise
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.returncode = None

    def _read(self):
        for raw in self.p.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            self.stdout_lines.append(line)
            self._lines.put(line)
        self._lines.put(None)

    def log_lines(self, pattern, wait_s=5.0):
        """The stderr (log) lines matching `pattern` (re.search), waiting up to `wait_s` for a first
        one: a process may write its line just after the peer received what the line is about."""
        deadline = time.monotonic() + wait_s
        while True:
            with open(self.err_path, "rb") as f:
                text = f.read().decode(errors="replace")
            found = [line for line in text.splitlines() if re.search(pattern, line)]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.1)

    def wait_for_lines(self, patterns, timeout):
        """Waits until every regex in `patterns` matched a stdout line; returns {pattern: match}."""
        found, deadline = {}, time.monotonic() + timeout
        for line in list(self.stdout_lines):
            for pat in patterns:
                m = re.match(pat, line)
                if m and pat not in found:
                    found[pat] = m
        while len(found) < len(patterns):
            left = deadline - time.monotonic()
            if left <= 0:
                raise StartupError(f"{self.name} printed no {[p for p in patterns if p not in found]} within "
                                   f"{timeout:.0f}s\n{self.diagnostics()}")
            try:
                line = self._lines.get(timeout=min(left, 0.2))
            except queue.Empty:
                continue
            if line is None:
                self.p.wait(timeout=5)
                raise StartupError(f"{self.name} exited with status {self.p.returncode} before printing "
                                   f"{[p for p in patterns if p not in found]}\n{self.diagnostics()}")
            for pat in patterns:
                m = re.match(pat, line)
                if m and pat not in found:
                    found[pat] = m
        return found

    def diagnostics(self, lines=25):
        try:
            with open(self.err_path, "rb") as f:
                err = f.read().decode(errors="replace").splitlines()[-lines:]
        except OSError:
            err = []
        return (f"--- {self.name}: {' '.join(self.cmd)}\n--- stdout:\n" + "\n".join(self.stdout_lines[-lines:]) +
                f"\n--- stderr (tail of {self.err_path}):\n" + "\n".join(err))

    def alive(self):
        return self.p.poll() is None

    def stop(self, timeout=10.0):
        if self.p.poll() is None:
            try:
                self.p.send_signal(signal.SIGTERM)
                self.p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(timeout=5)
            except ProcessLookupError:
                pass
        self.returncode = self.p.returncode
        self._err.close()
        return self.returncode


# ---- TLS material ----------------------------------------------------------------------------------
def make_tls_material(directory):
    """Throwaway CA + server certificate for 127.0.0.1/localhost, made with the openssl CLI."""
    if not shutil.which("openssl"):
        raise StartupError("the openssl command is required for the TLS variant")
    ca_key, ca_pem = os.path.join(directory, "ca.key"), os.path.join(directory, "ca.pem")
    key, csr, pem = (os.path.join(directory, n) for n in ("server.key", "server.csr", "server.pem"))
    ext = os.path.join(directory, "server.ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n")
    def run(*args):
        r = subprocess.run(["openssl", *args], capture_output=True, timeout=60)
        if r.returncode != 0:
            raise StartupError(f"openssl {' '.join(args)} failed: {r.stderr.decode(errors='replace')}")
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca_pem, "-days", "2",
        "-subj", "/CN=ocpi-bridge test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1")
    run("x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key, "-CAcreateserial", "-out", pem,
        "-days", "2", "-extfile", ext)
    return {"ca": ca_pem, "cert": pem, "key": key}


# ---- HTTP -----------------------------------------------------------------------------------------
class Response:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers}
        self.raw = raw
        try:
            self.json = json.loads(raw) if raw else None
            self.is_json = bool(raw)
        except ValueError:
            self.json, self.is_json = None, False

    def __repr__(self):
        return f"<HTTP {self.status} {self.raw[:300]!r}>"


class SendResult:
    """What a simulator's POST /_sim/send reported: the bridge's full answer, or a transport error."""

    def __init__(self, d):
        self.raw = d
        self.error = d.get("error")
        self.status = d.get("status")
        self.headers = d.get("headers", {})
        self.body = d.get("body")
        self.request = d.get("request", {})

    def __repr__(self):
        if self.error:
            return f"<transport error {self.error!r} for {self.request.get('method')} {self.request.get('url')}>"
        return f"<HTTP {self.status} headers={self.headers} body={json.dumps(self.body)[:600]}>"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError with the 3xx itself


def http_request(method, url, headers=None, body=None, timeout=30.0, ssl_context=None, raw_body=None):
    data = raw_body if raw_body is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    if data is not None and not any(k.lower() == "content-type" for k in (headers or {})):
        req.add_header("Content-Type", "application/json")
    # Redirects are answers to look at, not to follow (the simulators' 307s, issue 13).
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=ssl_context))
    try:
        with opener.open(req, timeout=timeout) as r:
            return Response(r.status, r.getheaders(), r.read().decode(errors="replace"))
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers.items(), e.read().decode(errors="replace"))


# ---- JSON comparison --------------------------------------------------------------------------------
def json_diff(actual, expected, path="$"):
    """Differences between two JSON values: member order irrelevant, array order relevant, numbers
    compared numerically (220 == 220.0), booleans never equal to numbers, absent != null."""
    out = []
    if isinstance(expected, bool) or isinstance(actual, bool):
        if not (isinstance(expected, bool) and isinstance(actual, bool) and expected == actual):
            out.append(f"{path}: expected {json.dumps(expected)}, got {json.dumps(actual)}")
    elif isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        if float(expected) != float(actual):
            out.append(f"{path}: expected {expected}, got {actual}")
    elif isinstance(expected, dict) and isinstance(actual, dict):
        for k in expected:
            if k not in actual:
                out.append(f"{path}.{k}: missing (expected {json.dumps(expected[k])[:120]})")
            else:
                out += json_diff(actual[k], expected[k], f"{path}.{k}")
        for k in actual:
            if k not in expected:
                out.append(f"{path}.{k}: unexpected member {json.dumps(actual[k])[:120]}")
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            out.append(f"{path}: expected {len(expected)} elements, got {len(actual)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            out += json_diff(a, e, f"{path}[{i}]")
    elif type(expected) is not type(actual) or expected != actual:
        out.append(f"{path}: expected {json.dumps(expected)[:200]}, got {json.dumps(actual)[:200]}")
    return out


def assert_json_equal(actual, expected, what="JSON"):
    diff = json_diff(actual, expected)
    if diff:
        raise AssertionError(f"{what} differs from the expected value ({len(diff)} difference(s)):\n  " +
                             "\n  ".join(diff[:40]) + f"\nactual: {json.dumps(actual, sort_keys=True)[:2000]}")


def parse_link_next(link_header):
    """Returns the URL of rel="next" in a Link header, or None."""
    if not link_header:
        return None
    for part in link_header.split(","):
        m = re.match(r'\s*<([^>]*)>\s*;\s*rel="?next"?', part)
        if m:
            return m.group(1)
    return None


# ---- the world ------------------------------------------------------------------------------------------
class World:
    def __init__(self, tls=None, static_tokens=True, emsp_args=(), trailing_slash=True, mapping=None,
                 legacy_modules=None):
        """static_tokens=False: the bridge's config has no tokens; the peers must register.
        `emsp_args`: extra command-line flags for the legacy eMSP simulator (e.g. --with-tariffs).
        `trailing_slash`: the simulators publish their module URLs with a trailing '/' (as the 2.1.1
        spec's examples do) and answer 307 to the other form, like FastAPI (issue 13 defect 2); every
        bridge suite runs that way, `matching` fails on any such 307.
        `mapping`: extra [mapping] keys of the bridge's config, e.g. {"routing.directed_to": "OWNER"}.
        `legacy_modules`: {"cpo"|"emsp": [module, ...]} written as that [[legacy]] table's `modules`."""
        self.tls = Binaries.tls if tls is None else tls
        self.trailing_slash = trailing_slash and os.environ.get("OCPI_E2E_TRAILING_SLASH", "") not in ("0", "false")
        self.mapping = dict(mapping or {})
        self.static_tokens = static_tokens
        self.emsp_args = list(emsp_args)
        self.legacy_modules = dict(legacy_modules or {})
        self.config_paths = {}
        self.workdir = tempfile.mkdtemp(prefix="ocpi-e2e-")
        self.procs = {}
        self.ports = {}
        self.bridge = None
        self.bridge_ports = {}
        self.tls_files = None
        self.ssl_context = None

    # -- lifecycle
    @property
    def scheme(self):
        return "https" if self.tls else "http"

    def start(self):
        try:
            require_binaries("hub_sim", "legacy_sim", "bridge")
            if self.tls:
                self.tls_files = make_tls_material(self.workdir)
                self.ssl_context = ssl.create_default_context(cafile=self.tls_files["ca"])
            self.start_sims()
            self.bridge, self.bridge_ports = self.start_bridge("bridge")
            self.point_sims_at_bridge()
            if self.static_tokens:  # without tokens there is nothing to discover before the peers register
                self.wait_discovery()
            self.clear_all()
        except BaseException:
            self.stop()
            raise
        return self

    def start_sims_only(self):
        """The three simulators without a bridge (simulator self-tests)."""
        try:
            require_binaries("hub_sim", "legacy_sim")
            if self.tls:
                self.tls_files = make_tls_material(self.workdir)
                self.ssl_context = ssl.create_default_context(cafile=self.tls_files["ca"])
            self.start_sims()
        except BaseException:
            self.stop()
            raise
        return self

    def start_sims(self):
        tls_args = []
        if self.tls:
            tls_args = ["--tls-cert", self.tls_files["cert"], "--tls-key", self.tls_files["key"],
                        "--ca-file", self.tls_files["ca"]]
        specs = {
            "hub": [Binaries.hub_sim, "--port", "0", "--token-accepted", IOP["token_bridge_sends"],
                    "--token-to-bridge", IOP["token_iop_sends"], "--country", IOP["country_code"],
                    "--party", IOP["party_id"], "--page-limit", "100",
                    "--seed-locations", os.path.join(DATA, "hub_seed_locations.v221.json")],
            "cpo": [Binaries.legacy_sim, "--port", "0", "--role", "CPO", "--country", CPO["country_code"],
                    "--party", CPO["party_id"], "--business-name", CPO["name"],
                    "--token-accepted", CPO["token_bridge_sends"], "--token-to-bridge", CPO["token_legacy_sends"],
                    "--seed-locations", os.path.join(DATA, "legacy_cpo_seed_locations.v211.json"),
                    "--page-limit", "100"],
            "emsp": [Binaries.legacy_sim, "--port", "0", "--role", "EMSP", "--country", EMSP["country_code"],
                     "--party", EMSP["party_id"], "--business-name", EMSP["name"],
                     "--token-accepted", EMSP["token_bridge_sends"], "--token-to-bridge", EMSP["token_legacy_sends"],
                     *self.emsp_args],
        }
        if self.trailing_slash:
            tls_args.append("--trailing-slash")
        for name, cmd in specs.items():
            proc = Proc(f"{name}-sim", cmd + tls_args, self.workdir)
            self.procs[name] = proc
        for name, proc in self.procs.items():
            m = proc.wait_for_lines([r"^LISTENING (\d+)$"], STARTUP_TIMEOUT_S)
            self.ports[name] = int(next(iter(m.values())).group(1))

    def sim_url(self, name):
        return f"{self.scheme}://127.0.0.1:{self.ports[name]}"

    def config_toml(self, name, data_name=None):
        t = self.tls_files or {}
        def face():
            lines = [f'listen = "127.0.0.1:0"', f"tls = {'true' if self.tls else 'false'}"]
            if self.tls:
                lines += [f'cert_file = "{t["cert"]}"', f'key_file = "{t["key"]}"']
            return "\n".join(lines)
        ca = f'ca_file = "{t["ca"]}"\nverify_peer = true' if self.tls else ""

        def tokens(peer):
            if not self.static_tokens:
                return "# no static tokens: the peer registers (credentials handshake)"
            sent = peer.get("token_bridge_sends")
            accepted = peer.get("token_iop_sends", peer.get("token_legacy_sends"))
            return f'token = "{sent}"\naccepts_token = "{accepted}"'

        def modules(sim):
            if sim not in self.legacy_modules:
                return "# modules: all of them (default)"
            return "modules = [" + ", ".join(f'"{m}"' for m in self.legacy_modules[sim]) + "]"

        data_dir = os.path.join(self.workdir, f"{data_name or name}-data")  # per bridge unless shared on purpose
        os.makedirs(data_dir, exist_ok=True)
        return f"""# written by tests/integration/harness.py
[bridge]
threads = 2
data_dir = "{data_dir}"
log_level = "debug"
body_limit = {BODY_LIMIT}
client_timeout_ms = 30000
connect_timeout_ms = 2000
upstream_timeout_ms = {UPSTREAM_TIMEOUT_MS}
authorize_timeout_ms = 2000
upstream_pool_size = 4
upstream_idle_timeout_ms = 30000
shutdown_grace_ms = {SHUTDOWN_GRACE_MS}

[face.hub]
{face()}

[face.legacy]
{face()}

[face.admin]
listen = "127.0.0.1:0"

[iop]
versions_url = "{self.sim_url('hub')}/ocpi/versions"
country_code = "{IOP['country_code']}"
party_id = "{IOP['party_id']}"
business_name = "{IOP['name']}"
{tokens(IOP)}
auth_encoding = "BASE64"
{ca}

[[legacy]]
role = "CPO"
country_code = "{CPO['country_code']}"
party_id = "{CPO['party_id']}"
business_name = "{CPO['name']}"
versions_url = "{self.sim_url('cpo')}/ocpi/cpo/versions"
{tokens(CPO)}
{modules("cpo")}
default_time_zone = "{CPO['time_zone']}"
operator_id = "{CPO['operator_id']}"
{ca}

[[legacy]]
role = "EMSP"
country_code = "{EMSP['country_code']}"
party_id = "{EMSP['party_id']}"
business_name = "{EMSP['name']}"
versions_url = "{self.sim_url('emsp')}/ocpi/emsp/versions"
{tokens(EMSP)}
{modules("emsp")}
{ca}

[mapping]
"locations.status_dedup" = true
"emsp.location_id_mode" = "GIREVE_ID"
""" + "".join(f'"{k}" = "{v}"\n' for k, v in self.mapping.items())

    def write_bridge_config(self, name, data_name=None):
        path = os.path.join(self.workdir, f"{name}.toml")
        with open(path, "w") as f:
            f.write(self.config_toml(name, data_name))
        self.config_paths[name] = path
        return path

    def start_bridge(self, name, data_name=None):
        """Starts a bridge; `data_name` = another bridge's name to share its data_dir (restart tests)."""
        path = self.write_bridge_config(name, data_name)
        proc = Proc(name, [Binaries.bridge, "--config", path], self.workdir)
        self.procs[name] = proc
        patterns = {f: rf"^LISTENING {f} (\d+)$" for f in ("hub", "legacy", "admin")}
        m = proc.wait_for_lines(list(patterns.values()), STARTUP_TIMEOUT_S)
        ports = {f: int(m[p].group(1)) for f, p in patterns.items()}
        return proc, ports

    @property
    def bridge_hub(self):
        return f"{self.scheme}://127.0.0.1:{self.bridge_ports['hub']}"

    @property
    def bridge_legacy(self):
        return f"{self.scheme}://127.0.0.1:{self.bridge_ports['legacy']}"

    def point_sims_at_bridge(self):
        self.admin("hub", "POST", "/_sim/config", {"bridge_versions_url": self.bridge_hub + "/ocpi/versions"})
        self.admin("cpo", "POST", "/_sim/config", {"bridge_versions_url": self.bridge_legacy + "/ocpi/emsp/versions"})
        self.admin("emsp", "POST", "/_sim/config", {"bridge_versions_url": self.bridge_legacy + "/ocpi/cpo/versions"})

    def wait_discovery(self, timeout=5.0):
        """Best effort: give the bridge a moment to discover the peers' endpoints (start-up GETs of
        versions and version details) before tests clear the logs. Never fails by itself."""
        wanted = {"hub": "/ocpi/2.2.1", "cpo": "/ocpi/cpo/2.1.1", "emsp": "/ocpi/emsp/2.1.1"}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(any(r["path"].rstrip("/") == p for r in self.requests(s)) for s, p in wanted.items()):
                time.sleep(0.3)  # let warm-up pulls that follow discovery finish
                return True
            if self.bridge and not self.bridge.alive():
                raise StartupError(f"bridge exited during start-up\n{self.bridge.diagnostics()}")
            time.sleep(0.1)
        return False

    def stop(self):
        for name in sorted(self.procs, key=lambda n: 0 if n.startswith("bridge") else 1):
            try:
                self.procs[name].stop()
            except Exception as e:  # keep tearing down the others
                print(f"harness: stopping {name}: {e}", file=sys.stderr)
        if Binaries.keep_logs:
            print(f"harness: logs kept in {self.workdir}", file=sys.stderr)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def diagnostics(self):
        return "\n".join(p.diagnostics() for p in self.procs.values())

    def bridge_admin(self, *args, name="bridge"):
        """Runs `ocpi-bridge admin ARGS` against the running bridge; returns (exit code, stdout, stderr)."""
        cmd = [Binaries.bridge, "admin", "--config", self.config_paths[name],
               "--admin-url", f"http://127.0.0.1:{self.bridge_ports['admin']}", *args]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def token_a(self, connection, name="bridge"):
        """`ocpi-bridge admin token-a CONNECTION`: (token A, versions URL) for a peer to register with."""
        code, out, err = self.bridge_admin("token-a", connection, name=name)
        if code != 0:
            raise AssertionError(f"admin token-a {connection} failed ({code}): {err}")
        lines = dict(line.split(" ", 1) for line in out.strip().splitlines())
        return lines["TOKEN_A"], lines["VERSIONS_URL"]

    def bridge_log_lines(self, pattern, wait_s=5.0):
        """The current bridge's log lines matching `pattern` (see Proc.log_lines)."""
        return self.bridge.log_lines(pattern, wait_s)

    def onboard(self, sim, connection, name="bridge"):
        """README "Onboarding": the operator hands out a token A (`ocpi-bridge admin token-a
        CONNECTION`) and peer `sim` registers with it as the credentials Sender (versions, details,
        then POST credentials). Returns the simulator's report {"status", "body", "seen"}: `seen` holds
        the versions and version details it read before its POST."""
        token, versions_url = self.token_a(connection, name=name)
        return self.admin(sim, "POST", "/_sim/register", {"token_a": token, "versions_url": versions_url}).json

    # -- admin API of the simulators
    def admin(self, sim, method, path, body=None, timeout=60.0):
        r = http_request(method, self.sim_url(sim) + path, body=body, timeout=timeout, ssl_context=self.ssl_context)
        if r.status >= 400 and path != "/_sim/send":
            raise AssertionError(f"{sim}-sim admin {method} {path} failed: {r}")
        return r

    def requests(self, sim):
        return self.admin(sim, "GET", "/_sim/requests").json

    def clear(self, sim):
        self.admin(sim, "DELETE", "/_sim/requests")

    def clear_all(self):
        for s in ("hub", "cpo", "emsp"):
            self.clear(s)

    def fault(self, sim, mode, count=1, delay_ms=0):
        self.admin(sim, "POST", "/_sim/fault", {"mode": mode, "count": count, "delay_ms": delay_ms})

    def send(self, sim, method, url, body=None, headers=None, body_raw=None, timeout_ms=20000):
        """Makes simulator `sim` call the bridge (url absolute or relative to the face it talks to)."""
        req = {"method": method, "url": url, "headers": headers or {}, "timeout_ms": timeout_ms}
        if body is not None:
            req["body"] = body
        if body_raw is not None:
            req["body_raw"] = body_raw
        r = self.admin(sim, "POST", "/_sim/send", req, timeout=timeout_ms / 1000 + 10)
        if r.json is None:
            raise AssertionError(f"{sim}-sim /_sim/send answered {r}")
        return SendResult(r.json)

    def call_bridge(self, face, method, path, headers=None, body=None, raw_body=None, timeout=20.0):
        base = self.bridge_hub if face == "hub" else self.bridge_legacy
        return http_request(method, base + path, headers=headers, body=body, raw_body=raw_body,
                            timeout=timeout, ssl_context=self.ssl_context)

    # -- what the simulators received
    def matching(self, sim, method=None, path=None, path_contains=None):
        """What `sim` received; `path` matches with or without a trailing '/' (the published form
        depends on World.trailing_slash). A request the simulator answered with its trailing-slash 307
        fails the test: the bridge must call a peer's URL exactly as published."""
        out = []
        for r in self.requests(sim):
            if r.get("status") == 307 and r.get("fault") != "redirect":
                raise AssertionError(f"{sim}-sim answered 307 to {r['method']} {r['target']}: "
                                     "the bridge did not use the URL as published")
            if method and r["method"] != method:
                continue
            if path and r["path"].rstrip("/") != path.rstrip("/"):
                continue
            if path_contains and path_contains not in r["target"]:
                continue
            out.append(r)
        return out

    def wait_requests(self, sim, method, path, count=1, timeout=8.0, ok_only=False, where=None):
        """Polls until `sim` received `count` matching requests (optionally only answered 200, or only
        those for which `where(request)` is true); fails listing what it did receive."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.matching(sim, method, path)
            if ok_only:
                got = [r for r in got if r.get("status") == 200]
            if where:
                got = [r for r in got if where(r)]
            if len(got) >= count:
                return got
            if time.monotonic() > deadline:
                seen = "\n  ".join(f"{r['method']} {r['target']} -> {r.get('status')}" for r in self.requests(sim)) or "(nothing)"
                raise AssertionError(f"{sim}-sim did not receive {count} x {method} {path} within {timeout:.0f}s; "
                                     f"it received:\n  {seen}")
            time.sleep(0.05)


def until_ready(call, timeout=10.0):
    """Right after a (re)start the bridge rediscovers the peers' endpoints and answers 503 meanwhile:
    repeats `call` until it answers something else or `timeout` passes; returns the last answer."""
    deadline = time.monotonic() + timeout
    while True:
        r = call()
        if r.status != 503 or time.monotonic() > deadline:
            return r
        time.sleep(0.2)


def fresh_start(testcase, world):
    """setUp of an end-to-end case: the bridge still runs and the simulators' logs are empty."""
    if not world.bridge.alive():
        testcase.fail(f"the bridge is not running any more\n{world.bridge.diagnostics()}")
    world.clear_all()


def summary(requests):
    return "\n  ".join(f"{r['method']} {r['target']} -> {r.get('status')}" for r in requests) or "(nothing)"
