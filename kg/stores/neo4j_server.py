"""A local Neo4j Community server assembled from Maven Central jars: install, start, stop, status.

Nothing here downloads from anywhere but Maven Central, and only once: ``install`` writes a small POM into
the jar cache (``$KG_NEO4J_HOME``, else ``~/.cache/kg/neo4j/<version>``) and lets Maven copy the runtime
dependencies of ``org.neo4j:neo4j`` (the Community DBMS), ``org.neo4j.app:neo4j-server`` (Bolt, HTTP) and
``org.neo4j.client:neo4j-browser`` (the web UI) into ``lib/``. The Browser's static files are unpacked to
``browser-root/browser/`` next to our own style sheet and guide (``kg/stores/neo4j_browser/``), so the
server serves them all under ``/browser/``.

An *instance* lives in a data directory (``$KG_NEO4J_DATA``, else ``~/.local/share/kg/neo4j``): its
``conf/neo4j.conf`` (written on every start), ``data/`` (kept between starts), ``logs/`` and
``run/neo4j.pid``. The JVM runs detached; ``start`` returns once Bolt accepts our credentials.

The password is never written to a file, a command line or a log: on the first start we log in once with
Neo4j's initial ``neo4j``/``neo4j`` and change it over Bolt to ``NEO4J_PASSWORD`` (as a query parameter).
Without ``NEO4J_PASSWORD`` the local development server uses ``LOCAL_DEV_PASSWORD`` (documented in
docs/neo4j.md); it listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, Iterator

from kg.errors import ServerError

NEO4J_VERSION = "5.26.30"
BROWSER_VERSION = "5.24.0"
DEFAULT_USER = "neo4j"
LOCAL_DEV_PASSWORD = "kg-local-dev"  # the documented default of the local dev server only
INITIAL_PASSWORD = "neo4j"  # Neo4j's own initial password, changed on the first start
MIN_JAVA = 17
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
HOST = "127.0.0.1"

Progress = Callable[[str], None]

_POM = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by kg: the jars of a local Neo4j Community server, fetched once from Maven Central. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>kg.local</groupId>
  <artifactId>neo4j-local-server</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId><version>{version}</version></dependency>
    <dependency><groupId>org.neo4j.app</groupId><artifactId>neo4j-server</artifactId><version>{version}</version></dependency>
    <dependency><groupId>org.neo4j.client</groupId><artifactId>neo4j-browser</artifactId><version>{browser}</version></dependency>
  </dependencies>
</project>
"""

# The flags Neo4j's own launcher passes (its default neo4j.conf): heap touched at start, no System.gc() calls.
# Without AlwaysPreTouch and the two below, a 100k-statement load ran about 10% slower here (BENCHMARKS.md).
_MEMORY_SIZE = re.compile(r"\d+[kmgKMG]")  # a heap or page cache size: 512m, 4g

_JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+AlwaysPreTouch",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
)


def default_home() -> Path:
    """The jar cache: ``$KG_NEO4J_HOME``, else ``~/.cache/kg/neo4j/<version>``."""
    env = os.environ.get("KG_NEO4J_HOME")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "kg" / "neo4j" / NEO4J_VERSION


def default_data() -> Path:
    """The instance directory: ``$KG_NEO4J_DATA``, else ``~/.local/share/kg/neo4j``."""
    env = os.environ.get("KG_NEO4J_DATA")
    return Path(env).expanduser() if env else Path.home() / ".local" / "share" / "kg" / "neo4j"


def password_from_env() -> str:
    """``NEO4J_PASSWORD``, else the local development server's documented default."""
    return os.environ.get("NEO4J_PASSWORD") or LOCAL_DEV_PASSWORD


@dataclass
class ServerSettings:
    """Where the jars and the instance live, and how the instance listens (always on 127.0.0.1)."""

    home: Path = field(default_factory=default_home)
    data: Path = field(default_factory=default_data)
    bolt_port: int = 7687
    http_port: int = 7474
    heap: str = "512m"
    pagecache: str = "128m"
    start_timeout: float = 180.0
    #: further ``key=value`` lines for neo4j.conf (benchmarks try server settings with it)
    extra_conf: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.home = Path(self.home).expanduser().resolve()
        self.data = Path(self.data).expanduser().resolve()
        for name, port in (("Bolt", self.bolt_port), ("HTTP", self.http_port)):
            if not 0 < int(port) < 65536:
                raise ServerError(f"{name} port {port} is not a TCP port (1-65535)")
        if self.bolt_port == self.http_port:
            raise ServerError(f"the Bolt and HTTP ports must differ (both are {self.bolt_port})")
        if not _MEMORY_SIZE.fullmatch(self.heap):
            raise ServerError(f"heap size {self.heap!r} is not a JVM size such as 512m or 1g")
        if not _MEMORY_SIZE.fullmatch(self.pagecache):
            raise ServerError(f"page cache size {self.pagecache!r} is not a size such as 128m or 2g")
        for line in self.extra_conf:
            if not re.fullmatch(r"[a-z][a-z0-9_.]*=[^\n]*", line):
                raise ServerError(f"{line!r} is not a neo4j.conf setting (key=value)")

    @property
    def bolt_uri(self) -> str:
        return f"bolt://{HOST}:{self.bolt_port}"

    @property
    def browser_url(self) -> str:
        return f"http://{HOST}:{self.http_port}/browser/"

    @property
    def lib(self) -> Path:
        return self.home / "lib"

    @property
    def browser_root(self) -> Path:
        return self.home / "browser-root"

    @property
    def pid_file(self) -> Path:
        return self.data / "run" / "neo4j.pid"

    @property
    def log_file(self) -> Path:
        return self.data / "logs" / "console.log"

    @property
    def conf_file(self) -> Path:
        return self.data / "conf" / "neo4j.conf"

    @property
    def password_marker(self) -> Path:
        """Exists once the initial password was changed (holds no secret)."""
        return self.data / "data" / "kg-password-set"

    def browser_connect_url(self, user: str = DEFAULT_USER) -> str:
        """The Browser with its connection form filled in for this server."""
        return f"{self.browser_url}?dbms=neo4j://{user}@{HOST}:{self.bolt_port}&db=neo4j"


@dataclass
class ServerStatus:
    running: bool
    pid: int | None
    bolt_uri: str
    browser_url: str
    data_dir: Path
    log_file: Path
    version: str = NEO4J_VERSION
    note: str = ""
    browser_connect_url: str = ""  # the Browser with its connection form filled in for this server

    def summary(self) -> str:
        if not self.running:
            return f"Neo4j {self.version} is not running (data: {self.data_dir}){self.note and '; ' + self.note}"
        return (f"Neo4j {self.version} is running (pid {self.pid})\n"
                f"  Bolt:    {self.bolt_uri}\n"
                f"  Browser: {self.browser_url}\n"
                f"  data:    {self.data_dir}\n"
                f"  log:     {self.log_file}"
                + (f"\n  {self.note}" if self.note else ""))


# ------------------------------------------------------------------------------------------- tools
def find_java() -> Path:
    """The ``java`` of ``$JAVA_HOME``, else of ``PATH``; Java 17 or newer."""
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]) / "bin" / "java")
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(on_path))
    java = next((c for c in candidates if c.is_file() and os.access(c, os.X_OK)), None)
    if java is None:
        raise ServerError(
            f"Java {MIN_JAVA} or newer is needed to run the local Neo4j server and none was found "
            "(neither $JAVA_HOME/bin/java nor java on PATH); install it, e.g. `apt-get install openjdk-17-jre-headless`"
        )
    try:
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ServerError(f"{java} -version failed: {exc}") from None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    major = int(m.group(1)) if m else 0
    if major == 1 and m and m.group(2):
        major = int(m.group(2))
    if major < MIN_JAVA:
        raise ServerError(
            f"{java} is Java {major or 'of unknown version'}; Neo4j {NEO4J_VERSION} needs Java {MIN_JAVA} or newer "
            "(set JAVA_HOME to a Java 17 installation)"
        )
    return java


def find_maven() -> Path:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ServerError(
            "Maven (mvn) is needed once, to fetch the Neo4j jars from Maven Central, and was not found on PATH; "
            "install it, e.g. `apt-get install maven`"
        )
    return Path(mvn)


# ----------------------------------------------------------------------------------------- install
@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock file, so two processes never assemble the same jar cache at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def is_installed(settings: ServerSettings) -> bool:
    marker = settings.home / "installed"
    return marker.exists() and marker.read_text().strip() == f"{NEO4J_VERSION} {BROWSER_VERSION}"


def install(settings: ServerSettings, progress: Progress | None = None) -> Path:
    """Fetch the jars once into ``settings.home`` (Maven Central), unpack the Browser; returns ``lib/``."""
    note = progress or (lambda _msg: None)
    if is_installed(settings):
        return settings.lib
    with _locked(settings.home.parent / f".{settings.home.name}.lock"):
        if is_installed(settings):
            return settings.lib
        mvn = find_maven()
        find_java()
        settings.home.mkdir(parents=True, exist_ok=True)
        pom = settings.home / "pom.xml"
        pom.write_text(_POM.format(version=NEO4J_VERSION, browser=BROWSER_VERSION), encoding="utf-8")
        staging = settings.home / "lib.partial"
        shutil.rmtree(staging, ignore_errors=True)
        note(f"fetching the Neo4j {NEO4J_VERSION} jars from Maven Central (once) into {settings.home}")
        cmd = [str(mvn), "-B", "-q", "-f", str(pom), "dependency:copy-dependencies",
               f"-DoutputDirectory={staging}", "-DincludeScope=runtime"]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ServerError(f"Maven could not fetch the Neo4j jars: {exc}") from None
        if run.returncode != 0:
            lines = [ln for ln in (run.stdout + run.stderr).splitlines() if "ERROR" in ln] or \
                (run.stdout + run.stderr).splitlines()
            last = lines[-1].strip() if lines else f"exit code {run.returncode}"
            raise ServerError(f"Maven could not fetch the Neo4j {NEO4J_VERSION} jars from Maven Central: {last}")
        browser_jar = staging / f"neo4j-browser-{BROWSER_VERSION}.jar"
        if not browser_jar.exists():
            raise ServerError(f"Maven did not deliver {browser_jar.name}; remove {settings.home} and try again")
        note("unpacking Neo4j Browser")
        root_partial = settings.home / "browser-root.partial"
        shutil.rmtree(root_partial, ignore_errors=True)
        with zipfile.ZipFile(browser_jar) as zf:
            zf.extractall(root_partial, [n for n in zf.namelist() if n.startswith("browser/")])
        browser_jar.unlink()  # the unpacked copy (with our guide beside it) takes its place on the class path
        for final, partial in ((settings.lib, staging), (settings.browser_root, root_partial)):
            shutil.rmtree(final, ignore_errors=True)
            partial.rename(final)
        (settings.home / "installed").write_text(f"{NEO4J_VERSION} {BROWSER_VERSION}\n")
    return settings.lib


def _copy_browser_assets(settings: ServerSettings) -> None:
    """Our style sheet and guide go beside the Browser's files, served at ``/browser/kg/``."""
    target = settings.browser_root / "browser" / "kg"
    target.mkdir(parents=True, exist_ok=True)
    src = resources.files("kg.stores").joinpath("neo4j_browser")
    for name in ("kg.grass", "guide.html"):
        data = src.joinpath(name).read_bytes()
        path = target / name
        if not path.exists() or path.read_bytes() != data:
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)


def asset_url(settings: ServerSettings, name: str) -> str:
    return f"http://{HOST}:{settings.http_port}/browser/kg/{name}"


def render_conf(settings: ServerSettings) -> str:
    d = settings.data
    style, guide = asset_url(settings, "kg.grass"), asset_url(settings, "guide.html")
    lines = [
        "# Written by `kg neo4j start` on every start: edit the options of that command, not this file.",
        f"server.default_listen_address={HOST}",
        f"server.default_advertised_address={HOST}",
        f"server.bolt.listen_address={HOST}:{settings.bolt_port}",
        f"server.bolt.advertised_address={HOST}:{settings.bolt_port}",
        "server.bolt.tls_level=DISABLED",
        f"server.http.listen_address={HOST}:{settings.http_port}",
        f"server.http.advertised_address={HOST}:{settings.http_port}",
        "server.https.enabled=false",
        f"server.directories.data={d / 'data'}",
        f"server.directories.logs={d / 'logs'}",
        f"server.directories.run={d / 'run'}",
        f"server.directories.import={d / 'import'}",
        f"server.directories.plugins={d / 'plugins'}",
        f"server.memory.pagecache.size={settings.pagecache}",
        "db.tx_log.rotation.retention_policy=256M size",
        "db.tx_log.preallocate=false",  # no 256 MB files up front per database (tests, small corpora)
        "dbms.security.auth_enabled=true",
        "dbms.usage_report.enabled=false",
        "client.allow_telemetry=false",
        f"browser.remote_content_hostname_whitelist={HOST},localhost",
        f"browser.post_connect_cmd=style {style}; play {guide}",
        *settings.extra_conf,
    ]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------- process state
def _read_pid(settings: ServerSettings) -> int | None:
    try:
        return int(settings.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def _is_our_server(pid: int, settings: ServerSettings) -> bool:
    """The pid is alive and is a Neo4j JVM of this instance (not a stranger that reused the pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True  # no /proc: trust the pid file
    args = [a.decode("utf-8", "replace") for a in cmdline]
    return MAIN_CLASS in args and f"--home-dir={settings.data}" in args


def _port_open(port: int, timeout: float = 0.5) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        return s.connect_ex((HOST, port)) == 0


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def conf_ports(settings: ServerSettings) -> tuple[int, int] | None:
    """The Bolt and HTTP ports written in the instance's ``conf/neo4j.conf`` by the start that made it (None
    if there is no such file or it names no ports)."""
    try:
        text = settings.conf_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found: dict[str, int] = {}
    for line in text.splitlines():
        m = re.fullmatch(r"\s*server\.(bolt|http)\.listen_address\s*=\s*\S*:(\d+)\s*", line)
        if m:
            found[m.group(1)] = int(m.group(2))
    if "bolt" not in found or "http" not in found:
        return None
    return found["bolt"], found["http"]


def _as_running(settings: ServerSettings) -> ServerSettings:
    """``settings`` with the ports the instance's server was started with (its own neo4j.conf), so that
    ``status`` and ``start`` of a running server need no --bolt-port/--http-port (they used to report the
    defaults)."""
    ports = conf_ports(settings)
    if ports is None or ports == (settings.bolt_port, settings.http_port):
        return settings
    return dataclasses.replace(settings, bolt_port=ports[0], http_port=ports[1])


def running_settings(settings: ServerSettings) -> ServerSettings:
    """``settings`` as the instance's running server was started: its ports, page cache and further settings
    (its neo4j.conf) and its heap (its command line), so that a restart (``kg load neo4j --bulk``) brings back
    the same server whatever options the restarting command was given."""
    settings = _as_running(settings)
    changes: dict[str, object] = {}
    try:
        lines = settings.conf_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    own = set(render_conf(dataclasses.replace(settings, extra_conf=())).splitlines())
    for line in lines:
        m = re.fullmatch(r"server\.memory\.pagecache\.size=(\S+)", line)
        if m and _MEMORY_SIZE.fullmatch(m.group(1)):
            changes["pagecache"] = m.group(1)
    extra = tuple(ln for ln in lines if ln and not ln.startswith("#") and ln not in own
                  and not ln.startswith("server.memory.pagecache.size="))
    changes["extra_conf"] = extra
    pid = _read_pid(settings)
    if pid is not None and _is_our_server(pid, settings):
        with contextlib.suppress(OSError):
            for arg in Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace").split("\0"):
                if arg.startswith("-Xmx") and _MEMORY_SIZE.fullmatch(arg[4:]):
                    changes["heap"] = arg[4:]
    return dataclasses.replace(settings, **changes)  # type: ignore[arg-type]


def status(settings: ServerSettings | None = None) -> ServerStatus:
    """Whether the instance's server runs; its addresses are those it was started with (its neo4j.conf)."""
    settings = settings or ServerSettings()
    pid = _read_pid(settings)
    running = pid is not None and _is_our_server(pid, settings)
    if running:
        settings = _as_running(settings)
    note = ""
    if running and not _port_open(settings.bolt_port):
        note = "the JVM is up but Bolt does not answer yet (starting, or see the log)"
    return ServerStatus(running, pid if running else None, settings.bolt_uri, settings.browser_url,
                        settings.data, settings.log_file, note=note,
                        browser_connect_url=settings.browser_connect_url())


def _log_tail(settings: ServerSettings, n: int = 40) -> str:
    """The most telling recent line of the instance's logs, for an error message."""
    lines: list[str] = []
    for log in (settings.log_file, settings.data / "logs" / "neo4j.log"):
        with contextlib.suppress(OSError):
            lines += log.read_text(errors="replace").splitlines()[-n:]
    for pat in ("ERROR", "Exception", "Caused by"):
        hits = [ln.strip() for ln in lines if pat in ln]
        if hits:
            return hits[-1][:300]
    return lines[-1].strip()[:300] if lines else "(the log is empty)"


# ------------------------------------------------------------------------------------ start / stop
def start(settings: ServerSettings | None = None, *, password: str | None = None,
          progress: Progress | None = None) -> ServerStatus:
    """Install if needed, start the instance detached, wait for Bolt and our password; return its status."""
    settings = settings or ServerSettings()
    note = progress or (lambda _msg: None)
    password = password if password is not None else password_from_env()
    if len(password) < 8:
        raise ServerError("NEO4J_PASSWORD must have at least 8 characters (Neo4j's minimum password length)")
    current = status(settings)
    if current.running:
        settings = _as_running(settings)  # its own ports, whatever options this start was given
        _wait_ready(settings, password, int(current.pid or 0), note)
        current = status(settings)
        current.note = "it was already running"
        return current
    java = find_java()
    install(settings, note)
    for name, port in (("Bolt", settings.bolt_port), ("HTTP", settings.http_port)):
        if not _port_free(port):
            raise ServerError(f"{name} port {port} on {HOST} is in use by another program; stop it, or start on "
                              f"another port (--{name.lower()}-port)")
    for sub in ("conf", "data", "logs", "run", "import", "plugins"):
        (settings.data / sub).mkdir(parents=True, exist_ok=True)
    settings.conf_file.write_text(render_conf(settings), encoding="utf-8")
    _copy_browser_assets(settings)
    extra = os.environ.get("KG_NEO4J_JAVA_OPTS", "").split()
    cmd = [str(java), f"-Xms{settings.heap}", f"-Xmx{settings.heap}", *_JVM_FLAGS, *extra,
           "-cp", f"{settings.browser_root}{os.pathsep}{settings.lib}/*", MAIN_CLASS,
           f"--home-dir={settings.data}", f"--config-dir={settings.data / 'conf'}"]
    note(f"starting Neo4j {NEO4J_VERSION} (data: {settings.data})")
    with open(settings.log_file, "ab") as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                cwd=settings.data, start_new_session=True)
    settings.pid_file.write_text(f"{proc.pid}\n")
    try:
        _wait_ready(settings, password, proc.pid, note, proc=proc)
    except BaseException:
        _terminate(proc.pid, 20)
        settings.pid_file.unlink(missing_ok=True)
        raise
    return status(settings)


def _wait_ready(settings: ServerSettings, password: str, pid: int, note: Progress,
                proc: subprocess.Popen | None = None) -> None:
    """Until Bolt answers and accepts ``password`` (setting it on the very first start)."""
    from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

    deadline = time.monotonic() + settings.start_timeout
    note("waiting for Bolt to answer")
    while True:
        if proc is not None and proc.poll() is not None:
            raise ServerError(f"Neo4j exited during start-up (exit code {proc.returncode}): "
                              f"{_log_tail(settings)}; full log: {settings.log_file}")
        if proc is None and not _is_our_server(pid, settings):
            raise ServerError(f"the Neo4j process {pid} is gone; see {settings.log_file}")
        if time.monotonic() > deadline:
            raise ServerError(f"Neo4j did not answer on {settings.bolt_uri} within {settings.start_timeout:.0f} s; "
                              f"last log line: {_log_tail(settings)}")
        if _port_open(settings.bolt_port):
            try:
                _ensure_password(settings, password)
                return
            except ServiceUnavailable:
                pass
            except AuthError:
                raise ServerError(
                    f"the server in {settings.data} was set up with another password than NEO4J_PASSWORD; set "
                    "NEO4J_PASSWORD to that one, or stop the server and remove the data directory to start afresh"
                ) from None
            except Neo4jError as exc:
                if "unavailable" not in str(exc).lower():
                    raise ServerError(f"Neo4j answered but refused us: {exc.code}") from None
        time.sleep(0.5)


def _ensure_password(settings: ServerSettings, password: str) -> None:
    from neo4j import GraphDatabase

    uri = settings.bolt_uri
    if not settings.password_marker.exists():
        with GraphDatabase.driver(uri, auth=(DEFAULT_USER, INITIAL_PASSWORD), connection_timeout=5) as drv:
            try:
                drv.verify_connectivity()
                with drv.session(database="system") as s:
                    s.run("ALTER CURRENT USER SET PASSWORD FROM $old TO $new",
                          old=INITIAL_PASSWORD, new=password).consume()
            except Exception as exc:  # noqa: BLE001 - anything but a refused initial login is re-raised
                from neo4j.exceptions import AuthError

                if not isinstance(exc, AuthError):
                    raise
        settings.password_marker.write_text("the initial password was changed; this file holds no secret\n")
    with GraphDatabase.driver(uri, auth=(DEFAULT_USER, password), connection_timeout=5) as drv:
        drv.verify_connectivity()
        drv.execute_query("RETURN 1", database_="neo4j")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[-1].split()[0] == "Z":  # a zombie has stopped
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, os.WNOHANG)
            return False
    return True


def _terminate(pid: int, timeout: float) -> bool:
    """SIGTERM (Neo4j shuts down cleanly), then SIGKILL after ``timeout`` seconds; True if it was killed."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return False
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    for _ in range(50):
        if not _alive(pid):
            break
        time.sleep(0.1)
    return True


def stop(settings: ServerSettings | None = None, *, timeout: float = 60.0) -> ServerStatus:
    """Stop the instance (clean shutdown, forced after ``timeout`` s); stopping a stopped server is fine."""
    settings = settings or ServerSettings()
    pid = _read_pid(settings)
    note = "was not running"
    if pid is not None and _is_our_server(pid, settings):
        killed = _terminate(pid, timeout)
        note = "stopped (forced after a timeout)" if killed else "stopped"
    settings.pid_file.unlink(missing_ok=True)
    out = status(settings)
    out.note = note
    return out
