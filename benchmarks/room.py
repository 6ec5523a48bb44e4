"""A room that misbehaves: does the server keep answering the people who behave?

Starts the app (`streamlit run app.py` on a loopback port, its own SQLite database), then
measures one well-behaved session (open the overview, then filter changes through the
link, as a browser sends them) while the server also has:

- burst: 40 sessions that each start a run of the map and hang up mid-run;
- stalled: 5 clients that ask for the map and never read a byte (their TCP windows fill);
- idle: 200 sessions that opened the overview and then just stay connected;

each against the same session's latency on a quiet server in the same run, plus the
server's RSS afterwards. Traffic goes to 127.0.0.1 only; every scenario is bounded in
count and time and cleans up after itself.

    python -m benchmarks.room [--idle 200] [--burst 40] [--stalled 5] [--actions 8]

The load over many users (p95, throughput against a trivial app) is measured with the
project's load-test tool; the README names the figures and the command.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.common import wait_until_healthy

ROOT = Path(__file__).resolve().parent.parent
EARLY = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
FILTERS = ["state=Niedersachsen", "topic=Mobilit%C3%A4t", "cohort=2020", "state=Bayern", ""]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rerun(query: str = "", page: str = "") -> bytes:
    """What a browser sends to run the app for a link (empty widget states)."""
    message = BackMsg()
    message.rerun_script.query_string = query
    message.rerun_script.page_name = page
    info = message.rerun_script.context_info
    info.timezone, info.locale = "UTC", "de-DE"
    return message.SerializeToString()


class Session:
    """One tab over Streamlit's websocket: sends a rerun, reads until the run finished."""

    def __init__(self, base: str):
        self.url = base.replace("http://", "ws://") + "/_stcore/stream"
        self.origin = base
        self.ws = None

    async def connect(self) -> None:
        from websockets.asyncio.client import connect

        self.ws = await connect(
            self.url,
            subprotocols=["streamlit"],
            origin=self.origin,
            max_size=None,
            ping_interval=None,
            open_timeout=60,
        )

    async def run(self, query: str = "", page: str = "", timeout: float = 120) -> float:
        start = time.perf_counter()
        await self.ws.send(rerun(query, page))
        while True:
            data = await asyncio.wait_for(self.ws.recv(), timeout)
            message = ForwardMsg()
            message.ParseFromString(data)
            finished = message.WhichOneof("type") == "script_finished"
            if finished and message.script_finished != EARLY:
                return time.perf_counter() - start

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)


async def probe(base: str, actions: int) -> list[float]:
    """A well-behaved user: opens the overview, then changes the filters `actions` times."""
    session = Session(base)
    await session.connect()
    try:
        times = [await session.run()]
        for i in range(actions):
            times.append(await session.run(FILTERS[i % len(FILTERS)]))
        return times
    finally:
        await session.close()


async def burst(base: str, count: int, stop: asyncio.Event) -> int:
    """Sessions that start the map and hang up a moment later, again and again."""
    done = 0
    while not stop.is_set() and done < count * 20:

        async def one() -> None:
            session = Session(base)
            await session.connect()
            await session.ws.send(rerun("", "map"))
            await asyncio.sleep(0.05)
            session.ws.transport.abort()  # gone without a goodbye, as a closed laptop

        await asyncio.gather(*(one() for _ in range(count)), return_exceptions=True)
        done += count
    return done


def stalled_client(host: str, port: int) -> socket.socket:
    """A websocket client that asks for the map and then never reads: a tiny receive
    buffer, the handshake and one masked frame written by hand, nothing read back."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(30)
    sock.connect((host, port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: streamlit\r\n"
            f"Origin: http://{host}:{port}\r\n\r\n"
        ).encode()
    )
    payload = rerun("", "map")
    mask = os.urandom(4)
    header = bytes([0x82]) + (
        bytes([0x80 | len(payload)])
        if len(payload) < 126
        else bytes([0x80 | 126]) + struct.pack(">H", len(payload))
    )
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    sock.sendall(header + mask + masked)
    return sock  # never read from


async def idle_sessions(base: str, count: int) -> list[Session]:
    """Sessions that opened the overview and now do nothing (connected, 10 at a time)."""
    sessions: list[Session] = []
    for start in range(0, count, 10):

        async def one() -> Session:
            session = Session(base)
            await session.connect()
            await session.run()
            return session

        sessions += await asyncio.gather(*(one() for _ in range(min(10, count - start))))
    return sessions


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@contextlib.contextmanager
def served_app():
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="atlas-room-"))
    env = {**os.environ, "ATLAS_DB_PATH": str(folder / "atlas.db")}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1"]
    with open(folder / "server.log", "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, process, folder / "server.log", 90)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def median_ms(times: list[float]) -> float:
    return statistics.median(times[1:]) * 1000  # the filter changes, not the first open


async def scenarios(base: str, pid: int, args) -> None:
    host, port = base.removeprefix("http://").split(":")
    await probe(base, args.actions)  # warm: imports, first runs, the shared cache
    quiet = median_ms(await probe(base, args.actions))
    print(f"{'quiet server: filter change (median)':<58} {quiet:8.0f} ms")

    stop = asyncio.Event()
    noise = asyncio.create_task(burst(base, args.burst, stop))
    during = median_ms(await probe(base, args.actions))
    stop.set()
    hung_up = await noise
    print(
        f"{f'during a burst of {hung_up} hang-ups mid-run':<58} {during:8.0f} ms"
        f"   {during / quiet:4.1f}x quiet"
    )

    stalled = [stalled_client(host, int(port)) for _ in range(args.stalled)]
    try:
        await asyncio.sleep(2)  # their runs finish and fill the unread buffers
        during = median_ms(await probe(base, args.actions))
        print(
            f"{f'beside {args.stalled} clients that never read':<58} {during:8.0f} ms"
            f"   {during / quiet:4.1f}x quiet"
        )
    finally:
        for sock in stalled:
            sock.close()

    sessions = await idle_sessions(base, args.idle)
    try:
        during = median_ms(await probe(base, args.actions))
        print(
            f"{f'beside {len(sessions)} idle sessions':<58} {during:8.0f} ms"
            f"   {during / quiet:4.1f}x quiet   server RSS {rss_mb(pid):.0f} MB"
        )
    finally:
        await asyncio.gather(*(s.close() for s in sessions))
    after = median_ms(await probe(base, args.actions))
    print(
        f"{'after all of it, quiet again':<58} {after:8.0f} ms   {after / quiet:4.1f}x quiet"
        f"   server RSS {rss_mb(pid):.0f} MB"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--idle", type=int, default=200)
    parser.add_argument("--burst", type=int, default=40)
    parser.add_argument("--stalled", type=int, default=5)
    parser.add_argument("--actions", type=int, default=8, help="filter changes per probe")
    args = parser.parse_args(argv)
    with served_app() as (base, pid):
        asyncio.run(asyncio.wait_for(scenarios(base, pid, args), 900))


if __name__ == "__main__":
    main()
