#!/usr/bin/env python3
"""A telnetlib3 client (PyPI, pinned in ci.sh), for the interop suite.

Usage: telnetlib3_client.py PORT PAYLOAD_HEX EXPECT_HEX [--no-greeting]
Connects to 127.0.0.1:PORT as a terminal "xterm-interop" of 100x30, with
encoding off (bytes in, bytes out), reads the server's greeting line
(unless --no-greeting),
writes PAYLOAD (telnetlib3 doubles 0xFF), reads until EXPECT arrives and
prints:
  GREETING <hex>   the bytes read up to and including the first LF
  ECHOED <hex>     the bytes read after that, through EXPECT
"""
import asyncio
import sys

import telnetlib3


async def read_through(reader, needle, limit=1 << 16):
    got = b""
    while needle not in got:
        chunk = await reader.read(4096)
        if not chunk:
            break
        got += chunk
        if len(got) > limit:
            break
    return got


async def main():
    port = int(sys.argv[1])
    payload = bytes.fromhex(sys.argv[2])
    expect = bytes.fromhex(sys.argv[3])
    reader, writer = await asyncio.wait_for(
        telnetlib3.open_connection(
            "127.0.0.1",
            port,
            encoding=False,
            term="xterm-interop",
            cols=100,
            rows=30,
            connect_minwait=0.5,
            connect_maxwait=3.0,
        ),
        timeout=20,
    )
    if "--no-greeting" not in sys.argv:
        greeting = await asyncio.wait_for(read_through(reader, b"\n"), timeout=20)
        print("GREETING", greeting.hex(), flush=True)
    writer.write(payload)
    echoed = await asyncio.wait_for(read_through(reader, expect), timeout=20)
    print("ECHOED", echoed.hex(), flush=True)
    writer.close()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
