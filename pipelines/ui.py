"""`danvan ui` (what `make ui` runs): the Dagster webserver and daemon on the project's instance
(pipelines/instance.py), stopped cleanly by Ctrl-C or SIGTERM.

`dg dev` runs in a session of its own and this process hands it one interrupt: a terminal's
Ctrl-C would otherwise reach the webserver, the daemon and the code servers all at once, each
printing its own traceback. Handling the signals here also undoes a shell that started
`make ui &` without job control, which starts it with interrupts ignored (and Dagster then
ignores SIGTERM too)."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from pipelines.instance import home

ROOT = Path(__file__).resolve().parents[1]
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def command(host: str, port: int) -> list[str]:
    # `dg dev`, not the superseded `dagster dev` (which warns so on every start)
    dg = str(Path(sys.executable).parent / "dg")
    workspace = str(ROOT / "workspace.yaml")
    return [dg, "dev", "-w", workspace, "--host", host, "--port", str(port)]


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _stop_with_parent() -> None:
    """In the child, before it runs `dg dev`: Linux sends it SIGINT when this process dies, even
    by SIGKILL, so Dagster's own shutdown runs instead of the webserver, the daemon and the code
    servers living on in their session with nobody to stop them."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGINT)
    except (OSError, AttributeError):
        pass  # not Linux: the signals handled below still stop it


def serve(host: str = "127.0.0.1", port: int = 3000, echo: Callable[[str], None] = print) -> int:
    instance = home()
    instance.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DAGSTER_HOME": str(instance)}
    stopping = False
    child: subprocess.Popen | None = None

    def stop(signum, _frame) -> None:
        nonlocal stopping
        if child is None:  # not started yet: it will not be
            raise KeyboardInterrupt
        if not stopping:
            echo(f"stopping the Dagster UI ({signal.Signals(signum).name}) …")
            child.send_signal(signal.SIGINT)  # Dagster's own clean shutdown
        else:  # asked again: do not wait for its grace period
            child.terminate()
        stopping = True

    # installed before the child starts: it then begins with the default dispositions (a
    # handled signal is reset on exec, an ignored one would stay ignored)
    previous = {s: signal.signal(s, stop) for s in STOP_SIGNALS}
    try:
        echo(f"Dagster UI on http://{host}:{port} — instance {instance}; Ctrl-C stops it")
        child = subprocess.Popen(
            command(host, port), env=env, start_new_session=True, preexec_fn=_stop_with_parent
        )
        code = child.wait()
    except KeyboardInterrupt:
        return 130
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if stopping:
        echo("the Dagster UI has stopped")
        return 0
    return code
