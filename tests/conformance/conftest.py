"""Starts the fakes (tests/e2e/cmd/fake-anthropic, fake-stripe) on free ports
for the official SDKs. run.sh builds them and passes their paths."""

import os
import socket
import subprocess
import time
import urllib.request

import pytest

ANTHROPIC_KEY = "sk-ant-conformance-key"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(binary, *args):
    addr = "127.0.0.1:%d" % _free_port()
    proc = subprocess.Popen([binary, "-addr", addr, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(tuple([addr.split(":")[0], int(addr.split(":")[1])]), timeout=0.2).close()
            return proc, "http://" + addr
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("%s did not start" % binary)


@pytest.fixture(scope="session")
def fake_anthropic():
    proc, url = _serve(os.environ["FAKE_ANTHROPIC"], "-api-key", ANTHROPIC_KEY)
    yield url
    proc.kill()


@pytest.fixture(scope="session")
def fake_stripe():
    proc, url = _serve(os.environ["FAKE_STRIPE"])
    yield url
    proc.kill()


def fake_control(base, action, model):
    urllib.request.urlopen(urllib.request.Request("%s/_fake/%s?model=%s" % (base, action, model), method="POST"))
