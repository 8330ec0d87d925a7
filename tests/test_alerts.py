"""Alerts reach a log file, a webhook and an SMTP server — local receivers on 127.0.0.1 here —
when a run fails and when a check starts failing, once each."""

import json
import socketserver
import threading
from email import message_from_bytes
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, HTTPServer

import dagster as dg
import pytest

from assets.alerts import alert_sensor
from tests.test_monitoring import Warehouse, _month


class Webhook:
    """An HTTP receiver on 127.0.0.1 keeping every JSON body POSTed to it."""

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    """The smallest SMTP server on 127.0.0.1 that accepts mail: every message is kept."""

    def __init__(self):
        messages = self.messages = []

        class Session(socketserver.StreamRequestHandler):
            def reply(self, line: str):
                self.wfile.write(f"{line}\r\n".encode())

            def handle(self):
                self.reply("220 localhost ready")
                while line := self.rfile.readline():
                    verb = line.decode().strip().split(" ")[0].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 localhost")
                    elif verb == "DATA":
                        self.reply("354 end with .")
                        body = b""
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            body += chunk[1:] if chunk.startswith(b"..") else chunk
                        messages.append(message_from_bytes(body, policy=email_policy))
                        self.reply("250 queued")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:  # MAIL, RCPT, RSET, NOOP
                        self.reply("250 ok")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Session)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers(monkeypatch, tmp_path):
    hook, mail = Webhook(), Mailbox()
    monkeypatch.setenv("DANVAN_ALERT_WEBHOOK", hook.url)
    monkeypatch.setenv("DANVAN_ALERT_SMTP", mail.address)
    monkeypatch.setenv("DANVAN_ALERT_EMAIL_TO", "monitor@example.org, lead@example.org")
    monkeypatch.setenv("DANVAN_ALERT_LOG", str(tmp_path / "alerts/alerts.log"))
    yield hook, mail, tmp_path / "alerts/alerts.log"
    hook.close()
    mail.close()


class Alerts:
    def __init__(self, warehouse: Warehouse):
        self.w = warehouse
        self.cursor = None

    def tick(self):
        context = dg.build_sensor_context(
            instance=self.w.instance, cursor=self.cursor, resources={"danvan": self.w.resource}
        )
        result = alert_sensor(context)
        self.cursor = context.cursor
        return result


def test_a_failed_run_and_a_check_that_starts_failing_reach_every_sink(tmp_path, receivers):
    hook, mail, log = receivers
    w = Warehouse(tmp_path)
    alerts = Alerts(w)
    assert isinstance(alerts.tick(), dg.SkipReason)  # the first tick: alerts start from now
    _month(w.landing, "01", 10)
    _month(w.landing, "02", 4, bad=6)  # February mostly quarantined: a blocking failure
    w.stage("2024-01", "2024-02")
    alerts.tick()
    kinds = [(a["kind"], a.get("check"), a.get("partition")) for a in hook.received]
    assert kinds == [
        ("run_failed", None, None),
        ("check_failed", "staging_dossiers_quarantine_rate", "2024-02"),
    ]
    check = hook.received[1]
    assert check["severity"] == "ERROR"
    assert "ho_so_2024-02.csv: 6 of 10 rows quarantined" in check["description"]
    assert check["numbers"]["quarantine_rate"] == 0.6 and check["numbers"]["rows_read"] == 10
    assert check["ui"].endswith(f"/runs/{check['run_id']}")
    assert [json.loads(line) for line in log.read_text().splitlines()] == hook.received
    (message,) = mail.messages
    assert message["To"] == "monitor@example.org, lead@example.org"
    assert message["Subject"].startswith("[danvan] run of __ephemeral_asset_job__ failed")
    assert "check staging_dossiers_quarantine_rate [2024-02] failed (ERROR)" in (
        message.get_content()
    )
    # told once
    assert isinstance(alerts.tick(), dg.SkipReason) and len(hook.received) == 2
    # the same failure again: the run is told, the check (still failing) is not
    w.stage("2024-02")
    alerts.tick()
    assert [a["kind"] for a in hook.received[2:]] == ["run_failed"]
    assert "staging_dossiers_quarantine_rate" in hook.received[2]["description"]


def test_a_sink_that_is_down_does_not_lose_the_others(tmp_path, receivers, monkeypatch):
    hook, mail, log = receivers
    hook.close()  # the webhook's server is gone
    monkeypatch.setenv("DANVAN_ALERT_WEBHOOK", hook.url)
    w = Warehouse(tmp_path)
    alerts = Alerts(w)
    alerts.tick()
    _month(w.landing, "02", 4, bad=6)
    w.stage("2024-02")
    alerts.tick()
    assert len(log.read_text().splitlines()) == 2 and len(mail.messages) == 1
