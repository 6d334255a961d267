#!/usr/bin/env python3
"""A telnetlib3 server (PyPI, pinned in ci.sh) echoing bytes, for the interop suite.

Usage: telnetlib3_server.py
Binds 127.0.0.1 on a free port and prints "LISTENING <port>". For each
connection, telnetlib3 negotiates as it always does (DO TTYPE first, then
WILL SGA, WILL ECHO, WILL BINARY, DO NEW-ENVIRON, DO NAWS; with encoding
off it does not ask for CHARSET), then the shell sends a greeting line and
echoes every byte it reads. When the peer closes, prints
  OPTIONS <name>=<value> ...   what telnetlib3 learnt (TERM, cols, rows)
and keeps serving until killed.
"""
import asyncio
import sys

import telnetlib3


async def shell(reader, writer):
    writer.write(b"telnetlib3 server \xff ready\r\n")
    await writer.drain()
    while True:
        chunk = await reader.read(4096)
        if not chunk:
            break
        writer.write(chunk)
        await writer.drain()
    info = " ".join(
        "%s=%s" % (key, writer.get_extra_info(key)) for key in ("TERM", "cols", "rows")
    )
    print("OPTIONS", info, flush=True)
    writer.close()


async def main():
    server = await telnetlib3.create_server(
        "127.0.0.1", 0, shell=shell, encoding=False, timeout=60, connect_maxwait=2.0
    )
    print("LISTENING", server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
