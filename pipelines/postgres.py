"""A throwaway PostgreSQL server for the tests and the national bench: Debian's `postgresql`
server binaries, a cluster in a temporary folder listening on a free port of 127.0.0.1, the role
and database made as docs/operations.md makes them, stopped and removed afterwards."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg2

INSTALL_HINT = "install the PostgreSQL server (Debian: apt-get install postgresql; .ci/run does)"


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    database: str
    user: str
    password: str
    folder: Path  # the cluster, its Unix socket and server.log

    def connect(self):
        return psycopg2.connect(
            host=self.host,
            port=self.port,
            dbname=self.database,
            user=self.user,
            password=self.password,
        )

    @property
    def environment(self) -> dict[str, str]:
        """The variables deploy/dagster.yaml reads."""
        return {
            "DAGSTER_PG_HOST": self.host,
            "DAGSTER_PG_PORT": str(self.port),
            "DAGSTER_PG_DB": self.database,
            "DAGSTER_PG_USERNAME": self.user,
            "DAGSTER_PG_PASSWORD": self.password,
        }


def server_binaries() -> Path | None:
    """The folder of `initdb` and `pg_ctl`: Debian keeps them out of PATH, per major version."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def throwaway_postgres(
    user: str = "danvan", password: str = "throwaway p@ss/word%", database: str = "dagster"
) -> Iterator[PostgresServer]:
    """A running server with `user` (password login over TCP, as in production) owning
    `database`. The password has characters a connection URL must escape, on purpose."""
    binaries = server_binaries()
    if binaries is None:
        raise RuntimeError(f"no PostgreSQL server binaries (initdb) found: {INSTALL_HINT}")
    # the server refuses to run as root: it runs as the `postgres` account Debian creates
    as_server = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="danvan-pg.", dir="/tmp"))
    folder.chmod(0o755)  # the postgres account must reach its cluster inside
    if as_server:
        shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
    cluster = folder / "cluster"

    def server_command(*args: str) -> None:
        done = subprocess.run([*as_server, *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr or done.stdout}")

    try:
        server_command(
            str(binaries / "initdb"),
            "-D",
            str(cluster),
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--auth-local=trust",  # the superuser over the Unix socket in `folder` only
            "--auth-host=scram-sha-256",  # everyone else with a password, as in production
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={folder} "
            # a throwaway cluster needs no crash safety
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        server_command(
            str(binaries / "pg_ctl"),
            "-D",
            str(cluster),
            "-l",
            str(folder / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )
        _create_role_and_database(folder, port, user, password, database)
        yield PostgresServer("127.0.0.1", port, database, user, password, folder)
    finally:
        if (cluster / "postmaster.pid").exists():
            subprocess.run(
                [
                    *as_server,
                    str(binaries / "pg_ctl"),
                    "-D",
                    str(cluster),
                    "-m",
                    "fast",
                    "-w",
                    "stop",
                ],
                capture_output=True,
            )
        shutil.rmtree(folder, ignore_errors=True)


def _create_role_and_database(folder: Path, port: int, user: str, password: str, database: str):
    """What docs/operations.md has the administrator type into `psql`."""
    admin = psycopg2.connect(host=str(folder), port=port, user="postgres", dbname="postgres")
    admin.autocommit = True  # CREATE DATABASE cannot run in a transaction
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'create role "{user}" login password %s', (password,))
            cursor.execute(f'create database "{database}" owner "{user}"')
    finally:
        admin.close()
