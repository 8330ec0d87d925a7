"""Where alerts go, set by environment variables (docs/settings.md): always a log file (one JSON
line per alert), and when configured an e-mail over SMTP (one message per batch) and a webhook
(one JSON POST per alert). An alert holds names, counts and descriptions — never a cell value."""

from __future__ import annotations

import json
import os
import smtplib
import socket
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path


@dataclass(frozen=True)
class Sinks:
    log_file: Path
    webhook: str = ""
    email_to: tuple[str, ...] = ()
    smtp: str = "localhost:25"
    email_from: str = ""
    smtp_user: str = ""
    smtp_password: str = ""

    @classmethod
    def from_env(cls, data_dir: Path) -> Sinks:
        env = os.environ.get
        return cls(
            log_file=Path(env("DANVAN_ALERT_LOG") or data_dir / "alerts.log"),
            webhook=env("DANVAN_ALERT_WEBHOOK", ""),
            email_to=tuple(a.strip() for a in env("DANVAN_ALERT_EMAIL_TO", "").split(",") if a),
            smtp=env("DANVAN_ALERT_SMTP") or "localhost:25",
            email_from=env("DANVAN_ALERT_EMAIL_FROM") or f"danvan@{socket.gethostname()}",
            smtp_user=env("DANVAN_ALERT_SMTP_USER", ""),
            smtp_password=env("DANVAN_ALERT_SMTP_PASSWORD", ""),
        )

    def describe(self) -> str:
        where = [f"log file {self.log_file}"]
        if self.webhook:
            where.append("webhook")
        if self.email_to:
            where.append(f"e-mail to {', '.join(self.email_to)} via {self.smtp}")
        return ", ".join(where)


def send(alerts: list[dict], sinks: Sinks) -> list[str]:
    """Deliver a batch; returns what failed (a sink that is down must not lose the others)."""
    if not alerts:
        return []
    problems = []
    for name, deliver in (("log file", _to_file), ("webhook", _to_webhook), ("e-mail", _to_email)):
        try:
            deliver(alerts, sinks)
        except (OSError, smtplib.SMTPException) as error:
            problems.append(f"{name}: {error}")
    return problems


def _to_file(alerts: list[dict], sinks: Sinks) -> None:
    sinks.log_file.parent.mkdir(parents=True, exist_ok=True)
    with sinks.log_file.open("a", encoding="utf-8") as handle:
        for alert in alerts:
            handle.write(json.dumps(alert, ensure_ascii=False) + "\n")


def _to_webhook(alerts: list[dict], sinks: Sinks) -> None:
    if not sinks.webhook:
        return
    for alert in alerts:
        request = urllib.request.Request(
            sinks.webhook,
            data=json.dumps(alert, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=15) as response:
            response.read()


def _to_email(alerts: list[dict], sinks: Sinks) -> None:
    if not sinks.email_to:
        return
    message = EmailMessage()
    message["From"] = sinks.email_from
    message["To"] = ", ".join(sinks.email_to)
    first = alerts[0]["summary"]
    more = f" (+{len(alerts) - 1} more)" if len(alerts) > 1 else ""
    message["Subject"] = f"[danvan] {first}{more}"
    message.set_content("\n\n".join(text(a) for a in alerts))
    host, _, port = sinks.smtp.rpartition(":") if ":" in sinks.smtp else (sinks.smtp, "", "25")
    with smtplib.SMTP(host, int(port), timeout=15) as server:
        server.ehlo()
        if server.has_extn("starttls"):
            server.starttls()
            server.ehlo()
        if sinks.smtp_user:
            server.login(sinks.smtp_user, sinks.smtp_password)
        server.send_message(message)


def text(alert: dict) -> str:
    """An alert as plain text (the e-mail body)."""
    lines = [alert["summary"], ""]
    for key in ("kind", "severity", "asset", "check", "partition", "job", "run_id", "time", "ui"):
        if alert.get(key):
            lines.append(f"{key}: {alert[key]}")
    if alert.get("description"):
        lines += ["", alert["description"]]
    for name, value in (alert.get("numbers") or {}).items():
        lines.append(f"  {name}: {value}")
    return "\n".join(lines)
