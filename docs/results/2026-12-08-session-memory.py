#!/usr/bin/env python3
"""What an idle protocol v2 session costs the gateway, against a method socket: N clients each open
one chat call (a session with one call, or a method socket), make one round trip and stay idle; the
gateway's RSS and live heap (after a GC, jcmd) are read before and after.

usage: 2026-12-08-session-memory.py GATEWAY_PID [N] [sessions-first]
(gateway on 127.0.0.1:8080, chat-service behind it). The RSS of the first kind measured on a fresh
gateway is the one to read: later rounds reuse what the first freed. Needs python3-websockets and jcmd.
"""
import asyncio
import json
import re
import subprocess
import sys

import websockets

PID = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 2000


def rss_kib():
    with open(f"/proc/{PID}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1))


def heap_kib():
    subprocess.run(["jcmd", PID, "GC.run"], capture_output=True, check=True)
    info = subprocess.run(["jcmd", PID, "GC.heap_info"], capture_output=True, text=True, check=True).stdout
    return sum(int(used) for used in re.findall(r"used (\d+)K", info.split("Metaspace")[0]))


async def session_client(held):
    ws = await websockets.connect("ws://127.0.0.1:8080/session", max_size=None)
    assert "session" in json.loads(await ws.recv())
    await ws.send(json.dumps({"call": 1, "open": "chat.Chat/BidStream", "credit": 4}))
    await ws.send(json.dumps({"call": 1, "seq": 1, "message": {"input": "hi"}}))
    while True:
        frame = json.loads(await ws.recv())
        if "message" in frame:
            await ws.send(json.dumps({"call": 1, "ack": frame["seq"]}))
            break
    held.append(ws)


async def method_socket_client(held):
    ws = await websockets.connect("ws://127.0.0.1:8080/ws/chat.Chat/BidStream", max_size=None)
    await ws.send(json.dumps({"message": {"input": "hi"}}))
    while "message" not in json.loads(await ws.recv()):
        pass
    held.append(ws)


async def measure(kind, client):
    held = []
    before_rss, before_heap = rss_kib(), heap_kib()
    for start in range(0, N, 100):
        await asyncio.gather(*(client(held) for _ in range(min(100, N - start))))
    after_rss, after_heap = rss_kib(), heap_kib()
    print(f"{kind}: {N} idle, each with one chat call: RSS +{(after_rss - before_rss) / N:.1f} KiB, "
          f"live heap +{(after_heap - before_heap) / N:.1f} KiB each")
    await asyncio.gather(*(ws.close() for ws in held))


async def main():
    kinds = [("method sockets", method_socket_client), ("sessions", session_client)]
    if len(sys.argv) > 3 and sys.argv[3] == "sessions-first":
        kinds.reverse()
    for kind, client in kinds + kinds:
        await measure(kind, client)


asyncio.run(main())
