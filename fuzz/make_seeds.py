#!/usr/bin/env python3
"""Writes the committed seed corpus: fuzz/corpus/<target>/seed-<name>.

The seeds are hand-made from PROTOCOL.md's cases and from what real peers
send (busybox and inetutils telnetd openings, tintin++'s TTYPE cycle, MUD
subnegotiations). Run it from anywhere; it rewrites only seed-* files.

`parse` and `split` take `[config, n, n chunk sizes, stream]` (see
src/lib.rs, `Framed` and `Setup`). `roundtrip` and `negotiate` take the
encoding of `arbitrary` 1.x for their `Input` types: a u32 little-endian
enum tag `t` selects variant floor(t * count / 2^32), a bool is a byte's
low bit, and a Vec is a 1 byte before each element and a 0 after the last.
"""

import os

HERE = os.path.dirname(os.path.abspath(__file__))
IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
ECHO, SGA, TM, TTYPE, NAWS, BINARY, MCCP2, GMCP = 1, 3, 6, 24, 31, 0, 86, 201


def write(target, name, data):
    path = os.path.join(HERE, "corpus", target)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "seed-" + name), "wb") as f:
        f.write(bytes(data))


def neg(verb, opt):
    return [IAC, verb, opt]


def sb(opt, payload):
    out = [IAC, SB, opt]
    for b in payload:
        out += [b, b] if b == IAC else [b]
    return out + [IAC, SE]


# config byte: bits 0-1 newline (0 NVT, 1 Translate, 2 Raw), bit 2 manual,
# bits 3-4 policy (0 none, 1 all, 2 client set, 3 all but BINARY),
# bits 5-6 capacity (0 four, 1 64, 2 1024), bit 7 early requests.
def framed(config, sizes, stream):
    return [config, len(sizes)] + list(sizes) + list(stream)


BUSYBOX = neg(DO, ECHO) + neg(DO, NAWS) + neg(WILL, ECHO) + neg(WILL, SGA)
INETUTILS = (neg(WILL, 37) + neg(WILL, 38) + neg(DO, TTYPE) + neg(DO, 32)
             + neg(DO, 35) + neg(DO, 39) + neg(DO, 36))
COMMANDS = [b for c in [241, 242, 243, 244, 245, 246, 247, 248, 249, 239, 236, 237, 238, 0x10, SE]
            for b in (IAC, c)]
STREAMS = {
    "busybox-opening": framed(0x50, [], BUSYBOX + list(b"login: ")),
    "busybox-opening-bytewise": framed(0x50, [1], BUSYBOX),
    "inetutils-opening": framed(0x48, [2, 5], INETUTILS + sb(TTYPE, [1]) + sb(32, [1])),
    "escaped-ff-split": framed(0x52, [4, 1], b"caf\xff\xff!" + bytes([IAC, IAC, IAC])),
    "nvt-newlines": framed(0x40, [5], b"line\r\nbare\r\0x\r\r\n\0end\r"),
    "translate-newlines": framed(0x41, [1], b"a\r\nb\r\0c\r\r\nd\r"),
    "commands": framed(0x40, [3], b"x" + bytes(COMMANDS) + b"y"),
    "naws-tiny-cap": framed(0x08, [], sb(NAWS, [0, 80, 0, 24]) + sb(NAWS, [255, 255, 255, 255])),
    "overflow-tiny-cap": framed(0x00, [7], sb(TTYPE, b"\x00xterm-256color") + list(b"after")),
    "overflow-aborted": framed(0x20, [], sb(GMCP, b"Core.Hello " + b"x" * 70)[:-2] + [IAC, 241] + list(b"z")),
    "sb-without-option": framed(0x40, [], [IAC, SB, IAC, SE] + list(b"data") + [IAC, SB, IAC, 241]),
    "sb-cut-by-command": framed(0x40, [2], [IAC, SB, TTYPE, 0, 65, IAC, DO, ECHO, 66]),
    "sb-emoji-payload": framed(0x40, [9], sb(GMCP, "Comm.Say \"\U0001F600\"".encode())),
    "sb-end-of-input": framed(0x40, [], [IAC, SB, TTYPE, 1, 2]),
    "mccp2-start": framed(0x48, [], neg(WILL, MCCP2) + sb(MCCP2, []) + list(b"\x78\x9c\xff\xfd\x01")),
    "binary-data": framed(0x50, [3], neg(WILL, BINARY) + list(b"\r\0raw\r") + neg(WONT, BINARY) + list(b"\r\0")),
    "early-requests": framed(0xd0, [1], neg(WILL, ECHO) + neg(WONT, BINARY) + neg(DO, NAWS) + neg(WILL, 25)
                             + neg(DONT, SGA) + neg(WILL, MCCP2) + sb(MCCP2, []) + list(b"rest")),
    "manual": framed(0x44, [], BUSYBOX + neg(DO, TM) + neg(WILL, TM)),
    "timing-mark": framed(0x50, [1], neg(DO, TM) + neg(DO, TM) + neg(WILL, TM) + neg(DONT, TM)),
    "refusals-loop-check": framed(0x40, [], neg(DONT, ECHO) + neg(WONT, ECHO) + neg(WILL, ECHO) * 2 + neg(DO, ECHO) * 2),
    "escaped-option-255": framed(0x48, [], [IAC, SB, IAC, IAC, 1, 2, IAC, SE] + neg(DO, 255)),
}
for name, data in STREAMS.items():
    write("parse", name, data)
    write("split", name, data)


def tag(k, n):
    t = -(-(k << 32) // n)
    return list(t.to_bytes(4, "little"))


def vec(elements):
    out = []
    for e in elements:
        out += [1] + e
    return out + [0]


def rt_input(newline, manual, small, sizes, items):
    return [newline, int(manual), int(small)] + vec([[s] for s in sizes]) + vec(items)


def data(b):
    return tag(0, 5) + vec([[x] for x in b])


def text(b):
    return tag(1, 5) + vec([[x] for x in b])


def command(c):
    return tag(2, 5) + [c]


def negotiation(verb_index, opt):  # 0 WILL, 1 WONT, 2 DO, 3 DONT
    return tag(3, 5) + [verb_index, opt]


def subneg(opt, payload):
    return tag(4, 5) + [opt] + vec([[x] for x in payload])


MUD = [text(b"Welcome!\n> "), command(249), negotiation(0, GMCP), subneg(GMCP, b'Char.Vitals {"hp": 100}'),
       command(239), data(b"\xff\xfe\xfd"), subneg(NAWS, [0, 255, 0, 24])]
write("roundtrip", "mud-session", rt_input(0, False, False, [7, 1], MUD))
write("roundtrip", "mud-session-raw-small", rt_input(2, False, True, [], MUD + [subneg(201, b"x" * 80)]))
write("roundtrip", "newlines-translate", rt_input(1, False, False, [1],
                                                   [text(b"a\r\nb\nc\rd"), data(b"e\r"), data(b"\0f\r"), text(b"\n")]))
write("roundtrip", "negotiations-manual", rt_input(0, True, False, [2],
                                                    [negotiation(2, ECHO), negotiation(0, SGA), negotiation(3, 255),
                                                     subneg(255, [255]), command(0x10), command(SE)]))

PEER_A, PEER_B = tag(0, 2), tag(1, 2)
OPT = {BINARY: 0, ECHO: 1, SGA: 2, TM: 3, TTYPE: 4, NAWS: 5, GMCP: 6, 255: 7}


def peer(p):
    return PEER_A if p == "A" else PEER_B


def enable(p, local, opt):
    return tag(0, 7) + peer(p) + [int(local), OPT[opt]]


def disable(p, local, opt):
    return tag(1, 7) + peer(p) + [int(local), OPT[opt]]


def allow(p, local, opt, yes):
    return tag(2, 7) + peer(p) + [int(local), OPT[opt], int(yes)]


def manual(p, on):
    return tag(3, 7) + peer(p) + [int(on)]


def deliver(frm, n):
    return tag(4, 7) + peer(frm) + [n]


def answer(p, accept):
    return tag(5, 7) + peer(p) + [int(accept)]


def raw(p, verb_index, opt):
    return tag(6, 7) + peer(p) + [verb_index, OPT[opt]]


def neg_input(pol_a, pol_b, man_a, man_b, ops):
    return list(pol_a) + list(pol_b) + [int(man_a), int(man_b)] + vec(ops)


# Policy bits: byte i//4, bit i%4 local and bit 4+i%4 remote, for OPTIONS[i].
def policy(local=(), remote=()):
    out = [0, 0]
    for o in local:
        out[OPT[o] // 4] |= 1 << (OPT[o] % 4)
    for o in remote:
        out[OPT[o] // 4] |= 0x10 << (OPT[o] % 4)
    return out


CLIENT = policy(local=[NAWS, TTYPE], remote=[ECHO, SGA])
write("negotiate", "busybox-opening", neg_input(
    CLIENT, policy(), False, False,
    [enable("B", False, ECHO), enable("B", False, NAWS), enable("B", True, ECHO), enable("B", True, SGA),
     deliver("B", 1), deliver("B", 2), deliver("B", 255), deliver("A", 255), deliver("B", 255)]))
write("negotiate", "crossing-requests", neg_input(
    policy(), policy(), False, False,
    [enable("A", True, ECHO), enable("B", False, ECHO), enable("A", False, SGA), enable("B", True, SGA),
     deliver("A", 4), deliver("B", 2), deliver("A", 255), deliver("B", 255)]))
write("negotiate", "queue-bit", neg_input(
    policy(), policy(remote=[BINARY]), False, False,
    [enable("A", True, BINARY), disable("A", True, BINARY), enable("A", True, BINARY), deliver("A", 3),
     disable("A", True, BINARY), enable("A", True, BINARY), deliver("B", 3), deliver("A", 255), deliver("B", 255)]))
write("negotiate", "telnetlib-callback", neg_input(
    policy(), policy(), True, False,
    [enable("B", True, ECHO), enable("B", False, TTYPE), deliver("B", 6), answer("A", False), answer("A", True),
     deliver("A", 6), raw("A", 2, ECHO), manual("A", False), deliver("A", 3)]))
write("negotiate", "duplicate-requests", neg_input(
    policy(remote=[ECHO]), policy(local=[ECHO]), False, False,
    [raw("A", 2, ECHO), raw("A", 2, ECHO), raw("A", 0, GMCP), raw("A", 0, GMCP), deliver("A", 255),
     allow("B", True, GMCP, True), raw("A", 2, GMCP), deliver("A", 255), deliver("B", 255)]))
write("negotiate", "timing-mark", neg_input(
    policy(local=[TM]), policy(), False, False,
    [enable("B", False, TM), enable("B", False, TM), disable("B", False, TM), deliver("B", 255),
     enable("A", True, TM), deliver("A", 255)]))

PAYLOADS = {
    "naws": {"80x24": [0, 80, 0, 24], "65535": [255, 255, 255, 255], "short": [0, 80, 0]},
    "lflow": {"off": [0], "on": [1], "restart-any": [2], "restart-xon": [3]},
    "tspeed": {"is": b"\x0038400,38400", "send": b"\x01", "leading-zero": b"\x00038400,9600"},
    "ttype": {"send": b"\x01", "xterm": b"\x00xterm-256color", "mtts": b"\x00MTTS 271",
              "tintin": b"\x00TINTIN++"},
    "xdisploc": {"is": b"\x00sun:0.0", "send": b"\x01"},
    "gmcp": {"vitals": b'Char.Vitals {"hp": 100, "mp": 50}',
             "hello": b'Core.Hello {"client":"tintin++","version":"2.02"}', "ping": b"Core.Ping"},
    "zmp": {"check": b"zmp.check\0color.define\0", "ping": b"zmp.ping\0", "no-nul": b"zmp.ping"},
    "charset": {"request": b"\x01;UTF-8;ISO-8859-1;US-ASCII", "accepted": b"\x02UTF-8", "rejected": b"\x03",
                "ttable": b"\x01[TTABLE]\x01;UTF-8", "ttable-is": b"\x04\x01table"},
    "linemode": {"mode": [1, 3], "slc": [3, 3, 0x62, 3, 4, 0x62, 0x1c, 10, 0x02, 0x7f],
                 "forwardmask": [DO, 2, 0x80, 0, 0, 0], "wont-forwardmask": [WONT, 2]},
    "mssp": {"server": b"\x01NAME\x02Example MUD\x01PLAYERS\x0252\x01CODEBASE\x02Merc\x02Diku"},
    "msdp": {"room": b"\x01ROOM\x02\x03\x01VNUM\x026008\x01EXITS\x02\x03\x01n\x026011\x04\x04",
             "report": b"\x01REPORT\x02HEALTH\x02MANA", "array": b"\x01LIST\x02\x05\x02a\x02b\x06"},
    "status": {"is": b"\x00\xfb\x01\xfd\x03\xfa\x18\x00vt100\xf0", "send": b"\x01",
               "se-doubled": b"\x00\xfa\x18\x00a\xf0\xf0b\xf0"},
    "new_environ": {"send-all": b"\x01", "is": b"\x00\x00USER\x01alice\x03LANG\x01C\x02\x02UTF-8",
                    "send-some": b"\x01\x00USER\x03", "info": b"\x02\x03DISPLAY\x01:0"},
    "environ": {"bsd-reversed": b"\x00\x01USER\x00bob", "rfc": b"\x00\x00USER\x01bob", "send": b"\x01"},
}
for codec, seeds in PAYLOADS.items():
    for name, payload in seeds.items():
        write("option_" + codec, name, payload)
