#!/usr/bin/env python3
"""A delay line for a kernel without sch_netem: every packet an iptables NFQUEUE rule hands to
queue QUEUE is held for DELAY +- JITTER ms, then given back to the kernel unchanged (NF_ACCEPT).

    iptables-legacy -A OUTPUT -o IF -j NFQUEUE --queue-num 0 --queue-bypass
    iptables-legacy -A INPUT  -i IF -j NFQUEUE --queue-num 0 --queue-bypass
    python3 delayline.py --queue 0 --delay 75 --jitter 10

What `tc qdisc add dev IF root netem delay 75ms 10ms` does, on both directions of IF: each packet's
delay is drawn on its own (uniform in [delay - jitter, delay + jitter], as netem without a
distribution table; `--distribution normal` draws from N(delay, jitter) like netem's `normal`
table), so jitter larger than the gap between two packets reorders them, as netem does;
`--no-reorder` releases no packet before the one queued ahead of it instead. Like netem's
`limit`, a packet that finds `--limit` packets waiting is dropped (the kernel queue is sized to
match). Only metadata crosses into this process (NFQNL_COPY_META): the verdict carries no
payload, so nothing is copied back.

Python 3 standard library only: nfnetlink (NETLINK_NETFILTER) spoken over an AF_NETLINK socket.
On SIGTERM/SIGINT it releases whatever it holds, unbinds and prints one JSON line of what it did
(packets, drops, and how late the releases were against their targets) on stderr. It asks for
real-time priority (SCHED_FIFO) so that a busy machine delays its releases little.
"""

import argparse
import heapq
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET = 0
NFQNL_MSG_VERDICT = 1
NFQNL_MSG_CONFIG = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
NLMSG_DONE = 3
NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2
NFQA_CFG_CMD = 1
NFQA_CFG_PARAMS = 2
NFQA_CFG_QUEUE_MAXLEN = 3
NFQNL_CFG_CMD_BIND = 1
NFQNL_CFG_CMD_UNBIND = 2
NFQNL_COPY_META = 1
NF_DROP = 0
NF_ACCEPT = 1
SO_RCVBUFFORCE = 33


def attr(kind: int, payload: bytes) -> bytes:
    length = 4 + len(payload)
    return struct.pack("=HH", length, kind) + payload + b"\0" * ((4 - length % 4) % 4)


class Queue:
    """One nfnetlink_queue binding: packets in, verdicts out."""

    def __init__(self, num: int, maxlen: int) -> None:
        self.num = num
        self.seq = 0
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        # A lost notification would strand its packet in the kernel queue: room for seconds of it.
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
        except OSError:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.bind((0, 0))
        self.config(attr(NFQA_CFG_CMD, struct.pack("!BxH", NFQNL_CFG_CMD_BIND, socket.AF_INET)))
        self.config(
            attr(NFQA_CFG_PARAMS, struct.pack("!IB", 0, NFQNL_COPY_META))
            + attr(NFQA_CFG_QUEUE_MAXLEN, struct.pack("!I", maxlen))
        )

    def message(self, kind: int, payload: bytes, flags: int = NLM_F_REQUEST) -> bytes:
        self.seq += 1
        body = struct.pack("!BBH", socket.AF_UNSPEC, 0, self.num) + payload
        header = struct.pack("=IHHII", 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | kind, flags, self.seq, 0)
        return header + body

    def config(self, payload: bytes) -> None:
        self.sock.send(self.message(NFQNL_MSG_CONFIG, payload, NLM_F_REQUEST | NLM_F_ACK))
        # The ack (an NLMSG_ERROR with error 0) or the refusal; packets may already be interleaved.
        while True:
            data = self.sock.recv(65536)
            for kind, body in messages(data):
                if kind == NLMSG_ERROR:
                    (error,) = struct.unpack_from("=i", body)
                    if error != 0:
                        raise OSError(-error, f"nfqueue config: {os.strerror(-error)}")
                    return

    def verdict(self, packet_id: int, verdict: int) -> None:
        self.sock.send(self.message(NFQNL_MSG_VERDICT, attr(NFQA_VERDICT_HDR, struct.pack("!II", verdict, packet_id))))

    def unbind(self) -> None:
        try:
            self.config(attr(NFQA_CFG_CMD, struct.pack("!BxH", NFQNL_CFG_CMD_UNBIND, socket.AF_INET)))
        except OSError:
            pass


def messages(data: bytes):
    """(type, body) of each netlink message in one datagram."""
    offset = 0
    while offset + 16 <= len(data):
        length, kind, _flags, _seq, _pid = struct.unpack_from("=IHHII", data, offset)
        if length < 16:
            return
        yield kind, data[offset + 16 : offset + length]
        offset += (length + 3) & ~3


def packet_id(body: bytes) -> int | None:
    """The id of a queued packet (NFQA_PACKET_HDR), after the 4-byte nfgenmsg."""
    offset = 4
    while offset + 4 <= len(body):
        length, kind = struct.unpack_from("=HH", body, offset)
        if length < 4:
            return None
        if kind & 0x7FFF == NFQA_PACKET_HDR:
            return struct.unpack_from("!I", body, offset + 4)[0]
        offset += (length + 3) & ~3
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queue", type=int, default=0)
    parser.add_argument("--delay", type=float, required=True, help="ms")
    parser.add_argument("--jitter", type=float, default=0.0, help="ms")
    parser.add_argument("--distribution", choices=["uniform", "normal"], default="uniform")
    parser.add_argument("--no-reorder", action="store_true")
    parser.add_argument("--limit", type=int, default=1000, help="packets held at most (netem's default)")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--no-realtime", action="store_true", help="stay in the normal scheduler")
    args = parser.parse_args()
    # netem releases packets from a kernel timer; a process on a busy machine is late by however
    # long the scheduler keeps it waiting. Real-time priority keeps that short (it needs little CPU).
    realtime = False
    if not args.no_realtime:
        try:
            os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
            realtime = True
        except (OSError, AttributeError):
            pass
    rng = random.Random(args.seed)
    queue = Queue(args.queue, args.limit)

    def draw() -> float:
        if args.jitter <= 0:
            return args.delay
        if args.distribution == "normal":
            d = rng.gauss(args.delay, args.jitter)
        else:
            d = rng.uniform(args.delay - args.jitter, args.delay + args.jitter)
        return max(0.0, d)

    held: list[tuple[float, int, int]] = []  # (release at, arrival order, packet id)
    order = 0
    last_release = 0.0
    stats = {"packets": 0, "dropped": 0, "late_ms_sum": 0.0, "late_ms_max": 0.0, "max_held": 0, "realtime": realtime}
    stopping = False

    def stop(_sig: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(json.dumps({"ready": True, "queue": args.queue}), file=sys.stderr, flush=True)
    while not stopping:
        now = time.monotonic()
        while held and held[0][0] <= now:
            due, _, pid = heapq.heappop(held)
            queue.verdict(pid, NF_ACCEPT)
            late = (now - due) * 1000
            stats["late_ms_sum"] += late
            stats["late_ms_max"] = max(stats["late_ms_max"], late)
        timeout = max(0.0, held[0][0] - now) if held else 0.5
        try:
            readable, _, _ = select.select([queue.sock], [], [], timeout)
        except InterruptedError:
            continue
        if not readable:
            continue
        try:
            data = queue.sock.recv(65536)
        except OSError as error:
            # ENOBUFS: notifications were lost (their packets wait in the kernel until unbind).
            print(json.dumps({"error": str(error)}), file=sys.stderr, flush=True)
            continue
        arrived = time.monotonic()
        for kind, body in messages(data):
            if kind != (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
                continue
            pid = packet_id(body)
            if pid is None:
                continue
            stats["packets"] += 1
            if len(held) >= args.limit:
                stats["dropped"] += 1
                queue.verdict(pid, NF_DROP)
                continue
            release = arrived + draw() / 1000
            if args.no_reorder:
                release = max(release, last_release)
                last_release = release
            order += 1
            heapq.heappush(held, (release, order, pid))
            stats["max_held"] = max(stats["max_held"], len(held))
    for _, _, pid in held:
        queue.verdict(pid, NF_ACCEPT)
    queue.unbind()
    released = stats["packets"] - stats["dropped"]
    stats["late_ms_mean"] = round(stats["late_ms_sum"] / max(1, released), 3)
    stats["late_ms_max"] = round(stats["late_ms_max"], 3)
    del stats["late_ms_sum"]
    print(json.dumps(stats), file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
