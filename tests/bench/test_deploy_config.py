"""deploy/nginx/tether.conf, as people deploy it and as the benchmark renders it."""

import re
import subprocess

from bench.report import problems, scaling
from bench.servers import SITE_CONF, Nginx, nginx_binary, render_site
from tests.conftest import require

TEXT = SITE_CONF.read_text(encoding="utf-8")


def _locations(text: str) -> dict[str, str]:
    return dict(re.findall(r"location\s+(\S+)\s*\{(.*?)\}", text, re.DOTALL))


def test_the_deployed_config_proxies_sockets_and_the_api_with_the_client_headers():
    locations = _locations(TEXT)
    assert set(locations) == {"/ws/", "/"}
    for body in locations.values():
        # proxy_set_header is not inherited by a block that has any: each lists them all.
        assert "proxy_set_header Host $host;" in body
        assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in body
        assert "proxy_set_header X-Forwarded-Proto $scheme;" in body
    assert "proxy_set_header Upgrade $http_upgrade;" in locations["/ws/"]
    assert "proxy_set_header Connection $connection_upgrade;" in locations["/ws/"]
    assert 'proxy_set_header Connection "";' in locations["/"]  # upstream keep-alive
    assert re.search(r"keepalive \d+;", TEXT)
    assert "client_max_body_size 26m;" in TEXT
    # No query string (?token=) in the access log.
    log_format = re.search(r"log_format tether (.*?);", TEXT, re.DOTALL).group(1)
    assert "$uri" in log_format and "$request " not in log_format and "$args" not in log_format


def test_the_benchmark_renders_it_on_loopback_ports_without_tls():
    rendered = render_site(TEXT, listen_port=9000, upstream_ports=[9001, 9002, 9003],
                           log_dir=SITE_CONF.parent)  # fmt: skip
    assert re.findall(r"server 127\.0\.0\.1:(\d+);", rendered) == ["9001", "9002", "9003"]
    assert re.findall(r"^\s*listen (.*);", rendered, re.MULTILINE) == ["127.0.0.1:9000"]
    assert "ssl_" not in rendered.replace("# ", "") and "return 301" not in rendered
    assert _locations(rendered) == _locations(TEXT)  # the proxying itself is untouched
    assert f"access_log {SITE_CONF.parent / 'tether-access.log'} tether;" in rendered


def test_nginx_accepts_the_rendered_config(tmp_path):
    require(nginx_binary() is not None, "nginx")
    Nginx(tmp_path, 9000, [9001, 9002]).check()
    done = subprocess.run(
        [nginx_binary(), "-t", "-q", "-p", str(tmp_path), "-e", str(tmp_path / "e.log"),
         "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def _run(scenario, transport, c, n, rate, **problems):
    counts = {"failed": 0, "lost": 0, "duplicated": 0, "reordered": 0, "seq_problems": 0}
    return {"scenario": scenario, "transport": transport, "c": c, "n": n,
            "deliveries_per_s": rate, "errors": {}, **counts, **problems}  # fmt: skip


def test_scaling_is_the_two_process_rate_over_the_one_process_rate_of_clean_runs():
    data = {
        "runs": [
            _run("group", "socket", 10, 1, 400),
            _run("group", "socket", 10, 2, 600),
            _run("direct", "rest", 1, 2, 50),  # no N=1 to compare with
            _run("direct", "socket", 1, 1, 300),
            _run("direct", "socket", 1, 2, 0, failed=300),  # failures are no rate
        ],
        "reads": [],
        "idle": [],
        "scaling": [],
    }
    assert scaling(data) == [{"scenario": "group", "transport": "socket", "c": 10, "ratio": 1.5}]
    assert problems(data) == ["N=2 direct socket C=1: failed 300"]


def test_the_readme_shows_the_deployed_config_as_it_is():
    readme = (SITE_CONF.parents[2] / "README.md").read_text(encoding="utf-8")
    body = TEXT[TEXT.index("map $http_upgrade") :]
    assert f"```nginx\n{body}```" in readme
