"""nginx in front of Lantern's instances: one configuration, used by the drills (tests/drills),
by bench/scale, and printed by ``festival nginx-config`` for a deployment to start from.

The app trusts exactly one proxy (``PROXY_FIX_HOPS=1``): this one, which passes the visitor's
address and scheme, so rate limits count visitors (not nginx) and HTTPS pages carry HSTS.
"""

from __future__ import annotations

from pathlib import Path

import click

TEMPLATE = """\
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {root}/body;
  proxy_temp_path {root}/proxy;
  fastcgi_temp_path {root}/fastcgi;
  uwsgi_temp_path {root}/uwsgi;
  scgi_temp_path {root}/scgi;
  upstream lantern {{
{servers}
  }}
  server {{
    listen {listen};
    location / {{
      # gunicorn's sync workers close every connection: no upstream keep-alive to set up.
      proxy_pass http://lantern;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }}
  }}
}}
"""


def render_config(listen: str, upstreams: list[str], root: Path | str) -> str:
    """The configuration: nginx listening on ``listen`` (e.g. ``127.0.0.1:8080``), balancing over
    ``upstreams`` (``host:port`` of each instance), with its pid, logs and temporary files under
    ``root``."""
    servers = "\n".join(f"    server {upstream};" for upstream in upstreams)
    return TEMPLATE.format(root=root, servers=servers, listen=listen)


@click.command("nginx-config")
@click.option("--listen", default="127.0.0.1:8080", show_default=True,
              help="Where nginx listens (put TLS in front of it, or add it here).")
@click.option("--upstream", "upstreams", multiple=True, required=True,
              help="host:port of one app instance; repeat for each.")
@click.option("--root", default="/var/lib/lantern-nginx", show_default=True,
              help="Folder for nginx's pid, logs and temporary files.")
def nginx_config(listen: str, upstreams: tuple[str, ...], root: str) -> None:
    """Print an nginx configuration balancing over the app's instances."""
    click.echo(render_config(listen, list(upstreams), root), nl=False)


COMMANDS = [nginx_config]
