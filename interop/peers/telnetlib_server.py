#!/usr/bin/env python3
"""A server negotiating the way Python's telnetlib does, for the interop suite.

telnetlib ships only a client; many small servers copied its negotiation
style, which answers every DONT with WONT and every WONT with DONT, even for
options that are already off (PROTOCOL.md item 18). Two such peers loop
forever, so a client that is correct must stay quiet where this server
is not.

Usage: telnetlib_server.py
Binds 127.0.0.1 on a free port and prints "LISTENING <port>". Serves one
connection: opens with DO NAWS, DO TTYPE, WILL ECHO, WILL SGA, sends a
greeting, then echoes every data byte back (0xFF doubled) until the peer
closes. Prints "CLOSED" and exits.
"""
import socket
import sys

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
ECHO, SGA, TTYPE, NAWS = 1, 3, 24, 31

WANTED_REMOTE = {NAWS, TTYPE}  # options this server asked the client for
OFFERED_LOCAL = {ECHO, SGA}  # options this server offered itself


def main():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(30)
    print("LISTENING", listener.getsockname()[1], flush=True)
    conn, _ = listener.accept()
    conn.settimeout(30)
    conn.sendall(bytes([IAC, DO, NAWS, IAC, DO, TTYPE, IAC, WILL, ECHO, IAC, WILL, SGA]))
    conn.sendall(b"telnetlib-style server \xff\xff ready\r\n")
    state = "data"
    verb = 0
    while True:
        try:
            chunk = conn.recv(4096)
        except (socket.timeout, ConnectionError):
            break
        if not chunk:
            break
        out = bytearray()
        for byte in chunk:
            if state == "data":
                if byte == IAC:
                    state = "iac"
                else:
                    out.append(byte)
            elif state == "iac":
                if byte == IAC:
                    out += b"\xff\xff"
                    state = "data"
                elif byte in (DO, DONT, WILL, WONT):
                    verb = byte
                    state = "opt"
                elif byte == SB:
                    state = "sb"
                else:
                    state = "data"
            elif state == "opt":
                # telnetlib's rule: refuse, and answer refusals too.
                if verb == DO and byte in OFFERED_LOCAL:
                    pass
                elif verb == WILL and byte in WANTED_REMOTE:
                    if byte == TTYPE:
                        out += bytes([IAC, SB, TTYPE, 1, IAC, SE])
                elif verb in (DO, DONT):
                    out += bytes([IAC, WONT, byte])
                else:
                    out += bytes([IAC, DONT, byte])
                state = "data"
            elif state == "sb":
                if byte == IAC:
                    state = "sbiac"
            elif state == "sbiac":
                state = "data" if byte == SE else "sb"
        if out:
            conn.sendall(bytes(out))
    conn.close()
    print("CLOSED", flush=True)


if __name__ == "__main__":
    sys.exit(main())
