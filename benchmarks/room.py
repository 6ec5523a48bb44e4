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

Then, with Debian's nginx and deploy/'s site: throughput (runs finished per second, users
sending their next action as soon as the last finished) through the proxy with one and
with two app processes, and the same for a trivial Streamlit app with the same page paths,
the ceiling a second process can reach on this machine with the load generator on it
too (its own processor time is printed beside).

    python -m benchmarks.room [--idle 200] [--burst 40] [--stalled 5] [--actions 8]
                              [--users 20] [--seconds 30] [--only processes|room]

The load over many users (p95, throughput against a trivial app) is measured with the
project's load-test tool; the README names the figures and the command.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import os
import re
import shutil
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

from benchmarks.browser import served, write_trivial_app
from benchmarks.common import row, stop, wait_until_healthy

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
        stop(process)


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


SITE = ROOT / "deploy" / "nginx-netzwerkatlas.conf"
PAGES = ["", "map", "timeline"]


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    return found or next((p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.path.exists(p)), None)


@contextlib.contextmanager
def behind_nginx(ports: list[int]):
    """deploy/'s site in a foreground nginx on a loopback port, its upstream lines replaced
    by `ports`; yields the proxy's URL."""
    folder = Path(tempfile.mkdtemp(prefix="atlas-room-nginx-"))
    listen = free_port()
    site = SITE.read_text()
    upstreams = "".join(f"    server 127.0.0.1:{port};\n" for port in ports)
    site = re.sub(r"(    server 127\.0\.0\.1:\d+;\n)+", upstreams, site, count=1)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    (folder / "site.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events { worker_connections 1024; }\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {folder}/body;\n"
        f"  proxy_temp_path {folder}/proxy;\n  include {folder}/site.conf;\n}}\n"
    )
    command = [nginx_binary(), "-p", str(folder), "-c", str(folder / "nginx.conf")]
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{listen}"
    try:
        wait_until_healthy(base, process, folder / "error.log", 30)
        yield base
    finally:
        stop(process)


async def throughput(base: str, users: int, seconds: float) -> tuple[float, float]:
    """(runs finished per second, processor time of this load generator per second) for
    `users` sessions that each send their next action (a page and a filter from the
    rotation) as soon as the last one finished."""
    sessions = [Session(base) for _ in range(users)]
    await asyncio.gather(*(s.connect() for s in sessions))
    try:
        await asyncio.gather(*(s.run() for s in sessions))  # opened, as the room does first
        done = 0
        start, cpu = time.perf_counter(), time.process_time()
        stop = start + seconds

        async def user(number: int, session: Session) -> None:
            nonlocal done
            step = number
            while time.perf_counter() < stop:
                await session.run(FILTERS[step % len(FILTERS)], PAGES[step % len(PAGES)])
                done += 1
                step += 1

        await asyncio.gather(*(user(n, s) for n, s in enumerate(sessions)))
        wall = time.perf_counter() - start
        return done / wall, (time.process_time() - cpu) / wall
    finally:
        await asyncio.gather(*(s.close() for s in sessions))


def processes(args) -> None:
    """One against two processes behind nginx, for the app and for the trivial app."""
    if nginx_binary() is None:
        print("two processes behind nginx: skipped, nginx is not installed (apt-get install nginx)")
        return
    work = Path(tempfile.mkdtemp(prefix="atlas-room-processes-"))
    trivial = write_trivial_app(work / "trivial")
    print(
        f"Behind deploy/'s nginx, {args.users} users acting back to back, {args.seconds:.0f} s"
        " per measurement (runs finished per second):"
    )
    for label, script in (("trivial app", trivial), ("app", ROOT / "app.py")):
        env = {"ATLAS_DB_PATH": str(work / f"{script.parent.name}.db")}
        with served(script, env) as first, served(script, env) as second:
            ports = [int(first.rsplit(":", 1)[1]), int(second.rsplit(":", 1)[1])]
            # both processes warmed alike before either is measured (imports, first runs,
            # the shared cache of every view): warmed through the proxy only, the second
            # process came cold into the two-process figure while the first had the whole
            # one-process figure to fill its cache, and the ratio leaned on that
            for base in (first, second):
                asyncio.run(throughput(base, args.users, max(5.0, args.seconds / 2)))
            rates = {}
            for count in (1, 2):
                with behind_nginx(ports[:count]) as proxy:
                    asyncio.run(throughput(proxy, args.users, 5))  # the proxy's connections
                    rates[count] = asyncio.run(throughput(proxy, args.users, args.seconds))
            one, two = rates[1][0], rates[2][0]
            print(
                row(
                    f"{label}: 1 process {one:.1f}/s, 2 processes {two:.1f}/s",
                    f"{two / one:.2f}x",
                    f"load generator: {rates[1][1]:.0%} / {rates[2][1]:.0%} of a core",
                )
            )
    print(
        f"(this machine: {os.cpu_count()} cores for both processes, nginx and the load"
        " generator; the trivial app's ratio is the most a second process can add here)"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--idle", type=int, default=200)
    parser.add_argument("--burst", type=int, default=40)
    parser.add_argument("--stalled", type=int, default=5)
    parser.add_argument("--actions", type=int, default=8, help="filter changes per probe")
    parser.add_argument("--users", type=int, default=20, help="for the processes comparison")
    parser.add_argument("--seconds", type=float, default=30.0, help="per throughput figure")
    parser.add_argument("--only", choices=["room", "processes"])
    args = parser.parse_args(argv)
    if args.only != "processes":
        with served_app() as (base, pid):
            asyncio.run(asyncio.wait_for(scenarios(base, pid, args), 900))
    if args.only != "room":
        processes(args)


if __name__ == "__main__":
    main()
