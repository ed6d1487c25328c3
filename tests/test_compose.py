"""docker-compose.yml for users with Docker (no Docker engine runs here, so the file is checked, not run)."""

from __future__ import annotations

import yaml


def test_compose_services(paths):
    compose = yaml.safe_load((paths.root / "docker-compose.yml").read_text("utf-8"))
    services = compose["services"]
    neo4j = services["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert "NEO4J_PASSWORD" in neo4j["environment"]["NEO4J_AUTH"]  # auth from the environment, none in the file
    assert "healthcheck" in neo4j and any("7474" in p for p in neo4j["ports"])
    assert any(v.startswith("neo4j-data:") for v in neo4j["volumes"])
    oxigraph = services["oxigraph"]
    assert oxigraph["image"].startswith("ghcr.io/oxigraph/oxigraph")
    assert "serve-read-only" in oxigraph["command"] and any("7878" in p for p in oxigraph["ports"])
    for service in services.values():  # nothing listens beyond this machine
        assert all(str(p).startswith("127.0.0.1:") for p in service.get("ports", []))
