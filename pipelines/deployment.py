"""The production deployment of deploy/ started from this checkout the way its systemd units
start it, for the tests and the national bench: the services' environment from
deploy/danvan.env.example filled in, `$DAGSTER_HOME/dagster.yaml` copied from
deploy/dagster.yaml (optionally with other limits), and the webserver and daemon run with the
command lines of deploy/systemd/*.service (paths under /opt/danvan mapped to this checkout and
its virtualenv; another workspace file if given)."""

from __future__ import annotations

import configparser
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import psutil
import yaml

from pipelines.postgres import PostgresServer

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
INSTALLED = Path("/opt/danvan")  # where docs/operations.md installs the project
SELECTOR = {"repositoryLocationName": "danvan", "repositoryName": "__repository__"}


def env_file_variables() -> dict[str, str]:
    """deploy/danvan.env.example as the KEY=value pairs systemd reads from it."""
    pairs = {}
    for line in (DEPLOY / "danvan.env.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def instance_variables() -> set[str]:
    """The variables deploy/dagster.yaml reads (`{env: NAME}`)."""
    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            if set(node) == {"env"}:
                found.add(node["env"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load((DEPLOY / "dagster.yaml").read_text(encoding="utf-8")))
    return found


def unit(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(DEPLOY / "systemd" / f"{name}.service", encoding="utf-8")
    return parser["Service"]


def here(path: str) -> str:
    """A path of the installed layout in this checkout: the venv is the tests' own."""
    venv = f"{INSTALLED}/.venv/bin/"
    if path.startswith(venv):
        return str(Path(sys.executable).parent / path[len(venv) :])
    if path.startswith(f"{INSTALLED}/"):
        return str(ROOT / path[len(f"{INSTALLED}/") :])
    return path


def unit_command(name: str, port: int | None = None, workspace: Path | None = None) -> list[str]:
    command = [here(part) for part in shlex.split(unit(name)["ExecStart"])]
    if port is not None:  # a free port instead of the unit's 3000
        command[command.index("--port") + 1] = str(port)
    if workspace is not None:
        command[command.index("--workspace") + 1] = str(workspace)
    return command


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Deployment:
    """The instance home, the services' environment and the running services."""

    def __init__(
        self,
        root: Path,
        postgres: PostgresServer,
        pii_key: str = "deploy-test-key",
        workspace: Path | None = None,  # else deploy/workspace.yaml
        configure: Callable[[dict], None] | None = None,  # changes to deploy/dagster.yaml
        extra_env: dict[str, str] | None = None,
    ):
        self.root = root
        self.home = root / "dagster"
        self.home.mkdir(parents=True)
        config = yaml.safe_load((DEPLOY / "dagster.yaml").read_text(encoding="utf-8"))
        if configure is not None:
            configure(config)
        (self.home / "dagster.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        self.workspace = workspace
        filled = {
            "DAGSTER_HOME": str(self.home),
            "DANVAN_LANDING_DIR": str(root / "landing"),
            "DANVAN_DATA_DIR": str(root / "data"),
            "DANVAN_PII_KEY": pii_key,
            **postgres.environment,
        }
        template = env_file_variables()
        self.env = {**template, **{k: v for k, v in filled.items() if k in template}}
        self.env.update(extra_env or {})
        self.landing = Path(self.env["DANVAN_LANDING_DIR"])
        self.data = Path(self.env["DANVAN_DATA_DIR"])
        self.work = root / "var-lib-danvan"  # the units' WorkingDirectory
        self.work.mkdir()
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.port: int | None = None

    def process_env(self, **extra: str) -> dict[str, str]:
        """What a service gets: its env file on a minimal environment, the venv first."""
        path = f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin"
        return {"PATH": path, "LANG": "C.UTF-8", **self.env, **extra}

    def start(self, name: str) -> None:
        port = free_port() if name == "danvan-webserver" else None
        log = (self.root / f"{name}.log").open("w")
        process = subprocess.Popen(
            unit_command(name, port, self.workspace),
            cwd=self.work,
            env=self.process_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its code server and runs are stopped with it
        )
        self.processes.append((name, process))
        if port is not None:
            self.port = port

    def admin(self, *command: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """What deploy/danvan-admin runs: a command from deploy/ with the services' env."""
        done = subprocess.run(
            [here(f"{INSTALLED}/.venv/bin/{command[0]}"), *command[1:]],
            cwd=self.workspace.parent if self.workspace else DEPLOY,
            env=self.process_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command}: {done.stdout[-2000:]}{done.stderr[-3000:]}")
        return done

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        if "errors" in answer:
            raise RuntimeError(f"GraphQL: {answer['errors']}")
        return answer["data"]

    def wait_for_webserver(self, seconds: float = 180) -> None:
        def answers() -> bool:
            try:
                return bool(self.graphql("{ repositoriesOrError { __typename } }"))
            except OSError:
                return False  # not listening yet

        wait_for(answers, seconds, "the webserver to answer", self)

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-4000:]}"
            for p in sorted(self.root.glob("*.log"))
        )

    def stop(self) -> None:
        """SIGTERM to each service's processes, as systemd stops a unit; then whatever they
        started and left behind (a code server or run worker outside their process group,
        as the control group would not let it be) is ended by its process id."""
        spawned: list[psutil.Process] = []  # psutil never signals a reused process id
        for _, process in self.processes:
            try:
                spawned += psutil.Process(process.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                pass
        for _, process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _, process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
        survivors = [p for p in spawned if p.is_running()]
        for survivor in survivors:
            try:
                survivor.terminate()
            except psutil.NoSuchProcess:
                pass
        _, alive = psutil.wait_procs(survivors, timeout=20)
        for survivor in alive:
            try:
                survivor.kill()
            except psutil.NoSuchProcess:
                pass


def wait_for(
    condition: Callable[[], bool], seconds: float, what: str, deployment: Deployment | None = None
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(2)
    logs = deployment.logs() if deployment else ""
    raise TimeoutError(f"timed out after {seconds:.0f} s waiting for {what}\n{logs}")
