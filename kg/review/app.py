"""The review workspace's web application: a Starlette app over one extracts folder.

Security (a local tool that can write files):

- every request needs the workspace's token: ``?token=...`` on the first page (then a cookie, as Jupyter does),
  the cookie, or the ``X-KG-Token`` header; without it: 403;
- the Host header must name this machine (127.0.0.1 or localhost), so a web page on another site cannot reach
  the server through DNS rebinding;
- a write (POST) must carry the ``X-KG-Token`` header (a page on another site cannot set it without a CORS
  preflight, which this server never grants) and, if the browser sends an Origin, one of this server;
- documents are found by id in the listing of the extracts folder, never by joining a path from the URL; the
  corpus folder is read the same way; nothing outside the two folders is read or written.

Saves: the page sends the version it edited (sha256 of the file's bytes); a file changed since (another tab, a
text editor, ``kg extract``) is not overwritten (409) and the page offers to reload. An edit is applied by
``kg.review.edits``, the result is checked with ``kg.extracts.check`` and written with ``atomic_write_text`` in
the canonical form of ``kg.extracts.dumps``; an edit that breaks the contract writes nothing (400).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode, urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from kg import extracts as extracts_io
from kg.errors import ExtractsError
from kg.records import Extract
from kg.review import edits

log = logging.getLogger("kg.review")

TOKEN_HEADER = "x-kg-token"
LOCAL_HOSTS = ("127.0.0.1", "localhost")
STATIC_FILES = {"app.js": "text/javascript", "app.css": "text/css"}  # served as /static/<name>
MAX_BODY = 1 << 20  # an edit is a few hundred bytes


def version_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _coder() -> str:
    return os.environ.get("KG_CODER") or "person"


def _static(name: str) -> str:
    return resources.files("kg.review").joinpath("static").joinpath(name).read_text("utf-8")


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class Workspace:
    """The folders the workspace may touch, and what it knows about them."""

    def __init__(self, extracts_dir: Path, corpus_dir: Path | None, known_issues: dict[str, str]) -> None:
        self.extracts_dir = Path(extracts_dir).resolve()
        self.corpus_dir = Path(corpus_dir).resolve() if corpus_dir else None
        self.known_issues = dict(known_issues)

    def files(self) -> dict[str, Path]:
        """Document id (the file name without .json) -> file, from the folder's listing."""
        try:
            listing = extracts_io.list_files(self.extracts_dir)
        except ExtractsError:
            return {}
        return {p.stem: p for p in listing if p.is_file() and p.resolve().parent == self.extracts_dir}

    def path(self, doc_id: str) -> Path:
        found = self.files().get(doc_id)
        if found is None:
            raise _Refused(404, f"no document {doc_id!r} in {self.extracts_dir}")
        return found

    def _read(self, doc_id: str) -> tuple[Path, bytes]:
        path = self.path(doc_id)
        try:
            return path, path.read_bytes()
        except OSError as exc:  # gone or unreadable since the listing
            raise _Refused(404, f"{path}: cannot be read ({exc.strerror or exc}); reload the list") from None

    def load(self, doc_id: str) -> tuple[dict[str, Any], str]:
        path, raw = self._read(doc_id)
        return self._parse(path, raw), version_of(raw)

    @staticmethod
    def _parse(path: Path, raw: bytes) -> dict[str, Any]:
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise _Refused(422, f"{path}: not a readable extracts file ({exc}); fix it in an editor, then reload") from None
        if not isinstance(data, dict):
            raise _Refused(422, f"{path}: not an extracts file (the top level must be a JSON object)")
        try:
            extracts_io.check(data, str(path))
        except ExtractsError as exc:
            raise _Refused(422, f"{exc}; fix it in an editor, then reload") from None
        return data

    def save(self, doc_id: str, version: str, op: str, args: dict[str, Any]) -> tuple[dict[str, Any], str, Any]:
        """Apply one edit to the document if its file is still at ``version``; write it atomically."""
        path, raw = self._read(doc_id)
        if version != version_of(raw):
            raise _Refused(409, f"{path.name} changed on disk since this page loaded it (another tab, an editor "
                                f"or kg extract); nothing was saved: reload the document and make the edit again")
        data = self._parse(path, raw)
        by, at = _coder(), _now()
        try:
            new = edits.apply(data, op, args, by=by, at=at, known_issues=self.known_issues)
            canonical = extracts_io.dumps(Extract.from_dict(new))
            extracts_io.check(json.loads(canonical), str(path))
        except ExtractsError as exc:
            raise _Refused(400, f"{doc_id}: {op}: {exc}; nothing was saved") from None
        except (KeyError, TypeError, ValueError) as exc:
            raise _Refused(400, f"{doc_id}: {op}: bad arguments ({exc}); nothing was saved") from None
        try:
            extracts_io.atomic_write_text(path, canonical)
        except OSError as exc:
            raise _Refused(500, f"{path}: cannot be written ({exc.strerror or exc}); nothing was saved") from None
        created = edits.new_actor_id(data, args["name"], args["type"]) if op == "create_actor" else None
        return json.loads(canonical), version_of(canonical.encode("utf-8")), created

    def summary(self) -> list[dict[str, Any]]:
        """One row per document for the list: reviewed counts, lowest confidence, issues and actors."""
        rows = []
        for doc_id, path in self.files().items():
            try:
                data = json.loads(path.read_bytes().decode("utf-8"))
                sts = data["statements"]
                names = {a["id"]: a["name"] for a in data["actors"]}
                unreviewed = [s["confidence"] for s in sts if not s.get("reviewed")]
                rows.append({
                    "id": doc_id, "title": data["document"].get("title") or doc_id,
                    "kind": data["document"].get("kind"), "published": data["document"].get("published"),
                    "statements": len(sts), "reviewed_statements": sum(1 for s in sts if s.get("reviewed")),
                    "reviewed": data["document"].get("reviewed"),
                    "min_confidence": min(unreviewed) if unreviewed else None,
                    "issues": sorted({i for s in sts for i in s["issues"]}),
                    "actors": sorted({names.get(s["speaker"], s["speaker"]) for s in sts}),
                })
            except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
                rows.append({"id": doc_id, "title": doc_id, "error": f"{path.name}: cannot be read ({exc})"})
        return rows

    def source(self, doc_id: str) -> Path:
        """The corpus file the document was read from, found by name in the corpus folder's listing."""
        data, _ = self.load(doc_id)
        if self.corpus_dir is None:
            raise _Refused(404, "no corpus folder: start kg review with --corpus DIR to see the sources")
        name = Path(str(data["document"].get("source", ""))).name
        listing = {p.name: p for p in self.corpus_dir.rglob("*") if p.is_file() and not p.name.startswith(".")}
        found = listing.get(name)
        if found is None or self.corpus_dir not in found.resolve().parents:
            raise _Refused(404, f"the source of {doc_id!r} ({name or 'none'}) is not in {self.corpus_dir}")
        return found


def _json_error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(extracts_dir: Path | str, token: str, *, corpus_dir: Path | str | None = None,
               known_issues: dict[str, str] | None = None,
               allowed_hosts: tuple[str, ...] = LOCAL_HOSTS) -> Starlette:
    """The workspace for ``extracts_dir`` guarded by ``token``. ``known_issues`` (id -> label, the codebook) are
    offered besides the issues of each file; ``allowed_hosts`` are the names the Host header may give."""
    ws = Workspace(Path(extracts_dir), Path(corpus_dir) if corpus_dir else None, known_issues or {})
    cookie = "kg_review_" + hashlib.sha256(token.encode()).hexdigest()[:10]  # one per workspace, not per host

    def _host_ok(request: Request) -> bool:
        host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]")
        return host in allowed_hosts

    def _origin_ok(request: Request) -> bool:
        origin = request.headers.get("origin")
        if origin is None:
            return True
        parts = urlsplit(origin)
        return parts.hostname in allowed_hosts and parts.netloc == request.headers.get("host")

    def _authorised(request: Request) -> bool:
        given = [request.cookies.get(cookie), request.headers.get(TOKEN_HEADER), request.query_params.get("token")]
        return any(g and secrets.compare_digest(g, token) for g in given)

    def guarded(handler: Callable[..., Any]) -> Callable[..., Any]:
        async def endpoint(request: Request) -> Response:
            where = f"{request.method} {request.url.path}"
            if not _host_ok(request):
                log.warning("%s: refused (403): Host %r is not this machine", where, request.headers.get("host"))
                return _json_error(403, "refused: this workspace answers only on 127.0.0.1 / localhost")
            if not _authorised(request):
                log.warning("%s: refused (403): no valid token", where)
                return _json_error(403, "refused: open the address kg review printed (it has the token)")
            if request.method != "GET":
                header = request.headers.get(TOKEN_HEADER)
                if not (header and secrets.compare_digest(header, token)) or not _origin_ok(request):
                    log.warning("%s: refused (403): cross-origin write or no %s header (Origin %r)", where,
                                TOKEN_HEADER, request.headers.get("origin"))
                    return _json_error(403, "refused: writes come only from this workspace's own page")
            try:
                return await handler(request)
            except _Refused as exc:
                log.warning("%s: %d: %s", where, exc.status, exc.message)
                return _json_error(exc.status, exc.message)

        return endpoint

    async def index(request: Request) -> Response:
        if "token" in request.query_params:  # first visit: trade the token in the URL for a cookie
            doc = request.query_params.get("doc")
            target = "/" + (f"?{urlencode({'doc': doc})}" if doc else "")
            response: Response = RedirectResponse(target, status_code=303)
        else:
            html = _static("index.html").replace("{{TOKEN}}", token)
            response = Response(html, media_type="text/html; charset=utf-8",
                                headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY",
                                         "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'"})
        response.set_cookie(cookie, token, httponly=True, samesite="strict", path="/")
        return response

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC_FILES:
            raise _Refused(404, f"no static file {name!r}")
        return Response(_static(name), media_type=STATIC_FILES[name], headers={"Cache-Control": "no-store"})

    async def documents(request: Request) -> Response:
        return JSONResponse({"folder": str(ws.extracts_dir), "corpus": str(ws.corpus_dir) if ws.corpus_dir else None,
                             "coder": _coder(), "documents": ws.summary()})

    async def document(request: Request) -> Response:
        data, version = ws.load(request.path_params["doc_id"])
        return JSONResponse({"data": data, "version": version, "known_issues": ws.known_issues})

    async def edit(request: Request) -> Response:
        doc_id = request.path_params["doc_id"]
        body = await request.body()
        if len(body) > MAX_BODY:
            raise _Refused(413, "edit too large")
        try:
            req = json.loads(body or b"null")
        except ValueError:
            raise _Refused(400, "the edit is not JSON") from None
        if not isinstance(req, dict) or not isinstance(req.get("version"), str) or not isinstance(req.get("op"), str):
            raise _Refused(400, "an edit is {\"version\": ..., \"op\": ..., \"args\": {...}}")
        data, version, created = ws.save(doc_id, req["version"], req["op"], req.get("args") or {})
        log.info("%s: saved (%s)", doc_id, req["op"])
        return JSONResponse({"data": data, "version": version, "created": created, "known_issues": ws.known_issues})

    async def source(request: Request) -> Response:
        path = ws.source(request.path_params["doc_id"])
        return FileResponse(path, media_type="text/plain; charset=utf-8")

    async def favicon(request: Request) -> Response:
        return Response(status_code=204)

    async def nowhere(request: Request) -> Response:
        raise _Refused(404, f"no such page: {request.url.path}")

    routes = [
        Route("/", guarded(index), methods=["GET"]),
        Route("/static/{name}", guarded(static), methods=["GET"]),
        Route("/api/documents", guarded(documents), methods=["GET"]),
        Route("/api/documents/{doc_id}", guarded(document), methods=["GET"]),
        Route("/api/documents/{doc_id}/edit", guarded(edit), methods=["POST"]),
        Route("/api/documents/{doc_id}/source", guarded(source), methods=["GET"]),
        Route("/favicon.ico", guarded(favicon), methods=["GET"]),
        Route("/{rest:path}", guarded(nowhere), methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
    ]
    app = Starlette(routes=routes)
    app.state.workspace = ws
    app.state.cookie = cookie
    return app
