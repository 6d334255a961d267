#!/usr/bin/env python3
"""Python's own telnetlib client (Python 3.11 still ships it), for the interop suite.

Usage: telnetlib_client.py PORT PAYLOAD_HEX EXPECT_HEX [--no-greeting]
Connects to 127.0.0.1:PORT, reads until the server's greeting line ends
(b"\\r\\n") unless --no-greeting, writes PAYLOAD (telnetlib doubles 0xFF), reads until EXPECT
arrives, and prints one line per result:
  GREETING <hex>   everything read up to and including the first CR LF
  ECHOED <hex>     everything read after that, up to and including EXPECT
  NEGOTIATION <verb> <option>   each negotiation telnetlib received
telnetlib refuses every option (DO -> WONT, WILL -> DONT) and, as it always
has, answers DONT and WONT too.
"""
import sys
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import telnetlib

VERBS = {telnetlib.DO: "DO", telnetlib.DONT: "DONT", telnetlib.WILL: "WILL", telnetlib.WONT: "WONT"}


def main():
    port = int(sys.argv[1])
    payload = bytes.fromhex(sys.argv[2])
    expect = bytes.fromhex(sys.argv[3])
    tn = telnetlib.Telnet("127.0.0.1", port, timeout=20)
    seen = []

    def callback(sock, cmd, opt):
        # The default behaviour of telnetlib, recorded.
        if cmd in (telnetlib.DO, telnetlib.DONT):
            sock.sendall(telnetlib.IAC + telnetlib.WONT + opt)
        elif cmd in (telnetlib.WILL, telnetlib.WONT):
            sock.sendall(telnetlib.IAC + telnetlib.DONT + opt)
        if cmd in VERBS:
            seen.append("%s %d" % (VERBS[cmd], opt[0]))

    tn.set_option_negotiation_callback(callback)
    if "--no-greeting" not in sys.argv:
        greeting = tn.read_until(b"\r\n", timeout=20)
        print("GREETING", greeting.hex(), flush=True)
    tn.write(payload)
    echoed = tn.read_until(expect, timeout=20)
    print("ECHOED", echoed.hex(), flush=True)
    for entry in seen:
        print("NEGOTIATION", entry, flush=True)
    tn.close()


if __name__ == "__main__":
    sys.exit(main())
