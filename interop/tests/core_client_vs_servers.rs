//! `telnet-proto` itself, driven over a plain `TcpStream` (tests/support),
//! against real Telnet servers, with a recorder between the two. Each test
//! runs twice: with the event loop (`Feed::poll_event`, module `events`)
//! and with the copying one (`Feed::read`, module `copying`).
//!
//! What each server sends, learnt by running it against a raw socket (and
//! asserted below where it matters):
//!
//! * busybox telnetd opens with `DO ECHO, DO NAWS, WILL ECHO, WILL SGA`
//!   and then `\r\r\n` (its issue file, /dev/null here, is followed by a
//!   newline that the pty turns into CR LF). It does not wait for answers.
//!   Its program runs on a pty in cooked mode with echo on, so every line
//!   comes back twice (echo, then cat), a received CR NUL reaches the pty as
//!   CR, which ICRNL makes a newline and ONLCR prints as CR LF.
//! * inetutils telnetd negotiates in lock-step rounds: first
//!   `WILL AUTHENTICATION, WILL ENCRYPT, DO TTYPE, DO TSPEED, DO XDISPLOC,
//!   DO NEW-ENVIRON, DO OLD-ENVIRON`; after the answers `WILL SGA, DO ECHO,
//!   DO LINEMODE, DO NAWS, WILL STATUS, DO LFLOW`; then `WILL ECHO,
//!   DO TIMING-MARK` (and `DO BINARY, DO TM` to a client that refused
//!   everything). A refused `WILL SGA` / `WILL ECHO` is asked once more.
//!   It sends `TTYPE SEND` until the answer repeats (twice for a client
//!   with one name). Its pty strips the 8th bit unless BINARY is on (0xFF
//!   becomes DEL, which erases the character before it). Asked for BINARY
//!   both ways at once, it agrees both ways, then turns its own side off
//!   again (`WONT BINARY`) once the shell's pty is set up.
//! * telnet-chatd sends `WILL MCCP2`, `Enter name: `, `WILL ECHO`; after the
//!   name, `Welcome, <name>!` and `WILL ECHO` again, then every line said
//!   (the speaker's own included) as `<name>: <text>`.
//! * The telnetlib-style server (peers/telnetlib_server.py) answers every
//!   `DONT`/`WONT` with `WONT`/`DONT`, as telnetlib does: a client that
//!   answered those too would loop with it forever.
//! * telnetlib3's server asks `DO TTYPE` first and waits for the answer,
//!   then `WILL SGA, WILL ECHO, WILL BINARY, DO NEW-ENVIRON, DO NAWS`.

mod support;

use std::time::Duration;

use support::core_client::{CoreClient, TERMINAL, WINDOW};
use telnet_interop::{contains, escape, peers, Dir, Item, Recorder, PATIENCE};
use telnet_proto::{Policy, Side, TelnetOption as Opt, Verb};

fn naws_payload() -> Vec<u8> {
    let (w, h) = WINDOW;
    vec![(w >> 8) as u8, w as u8, (h >> 8) as u8, h as u8]
}

fn busybox_telnetd(copying: bool) {
    let (_server, addr) = peers::busybox_telnetd();
    let recorder = Recorder::start(addr);
    let policy = Policy::new()
        .with_local(Opt::NAWS)
        .with_remote(Opt::ECHO)
        .with_remote(Opt::SGA);
    let mut client = CoreClient::connect(recorder.addr(), policy, copying);
    // Its opening arrives before any data.
    recorder
        .wait_until(PATIENCE, |t| t.sent(Dir::ToClient, Verb::Will, Opt::SGA))
        .unwrap();
    client.pump(Duration::from_millis(200));
    client.send_text(b"caf\xc3\xa9 \xff done\n");
    client
        .read_until(0, b"caf\xc3\xa9 \xff done\r\n", PATIENCE)
        .unwrap();
    // CR alone (CR NUL on the wire): the pty makes it a newline.
    let mark = client.data.len();
    client.send_text(b"cr\ralone\n");
    client
        .read_until(mark, b"cr\r\nalone\r\n", PATIENCE)
        .unwrap();
    client.shutdown_write();
    client.read_to_end(PATIENCE).unwrap();
    let t = recorder.wait_closed(PATIENCE).unwrap();

    assert!(
        t.raw(Dir::ToServer).windows(4).any(|w| w == b"cr\r\0"),
        "a bare CR goes as CR NUL\n{t}"
    );
    assert!(
        !contains(&t.data(Dir::ToClient), b"\0"),
        "the NUL of CR NUL must not reach the program\n{t}"
    );
    // DO NAWS is answered with WILL NAWS and the size; DO ECHO refused.
    assert!(t.sent(Dir::ToServer, Verb::Will, Opt::NAWS), "{t}");
    assert_eq!(
        t.subnegotiations(Dir::ToServer, Opt::NAWS),
        [naws_payload()],
        "{t}"
    );
    assert!(t.sent(Dir::ToServer, Verb::Wont, Opt::ECHO), "{t}");
    assert!(t.sent(Dir::ToServer, Verb::Do, Opt::ECHO), "{t}");
    assert!(t.sent(Dir::ToServer, Verb::Do, Opt::SGA), "{t}");
    assert!(client.session().is_enabled(Side::Remote, Opt::ECHO));
    assert!(client.session().is_enabled(Side::Local, Opt::NAWS));
    t.assert_negotiation_clean(Dir::ToServer);
    t.assert_negotiations_at_most(12);
}

fn inetutils_telnetd(copying: bool) {
    let (_server, addr) = peers::inetutils_telnetd();
    let recorder = Recorder::start(addr);
    let policy = Policy::new()
        .with_local(Opt::TTYPE)
        .with_local(Opt::NAWS)
        .with_local(Opt::BINARY)
        .with_remote(Opt::BINARY)
        .with_remote(Opt::ECHO)
        .with_remote(Opt::SGA);
    let mut client = CoreClient::connect(recorder.addr(), policy, copying);
    // BINARY both ways, so that the pty keeps the 8th bit.
    client.enable(Side::Local, Opt::BINARY);
    client.enable(Side::Remote, Opt::BINARY);
    let deadline = std::time::Instant::now() + PATIENCE;
    while !(client.session().is_enabled(Side::Local, Opt::BINARY)
        && client.session().is_enabled(Side::Remote, Opt::BINARY))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "BINARY never agreed\n{}",
            recorder.transcript()
        );
        client.pump(Duration::from_millis(100));
    }
    client.send_text(b"bin \xff\xc3\xa9 ok\r");
    client
        .read_until(0, b"bin \xff\xc3\xa9 ok", PATIENCE)
        .unwrap();
    client.shutdown_write();
    let _ = client.read_to_end(PATIENCE);
    drop(client);
    let t = recorder.wait_closed(PATIENCE).unwrap();

    // It asks for the terminal type until the answer repeats: twice.
    let sends = t.subnegotiations(Dir::ToClient, Opt::TTYPE);
    assert_eq!(sends, [[1u8], [1u8]], "{t}");
    let is = [&[0u8][..], TERMINAL].concat();
    assert_eq!(
        t.subnegotiations(Dir::ToServer, Opt::TTYPE),
        [is.clone(), is],
        "TTYPE IS answered once per SEND\n{t}"
    );
    assert_eq!(
        t.subnegotiations(Dir::ToServer, Opt::NAWS),
        [naws_payload()],
        "{t}"
    );
    // 8-bit data came back intact: with BINARY the pty keeps the 8th bit.
    assert!(
        contains(&t.data(Dir::ToClient), b"bin \xff\xc3\xa9 ok"),
        "{t}"
    );
    // Everything else it asks for is refused, once.
    for opt in [
        Opt::TSPEED,
        Opt::XDISPLOC,
        Opt::NEW_ENVIRON,
        Opt::LINEMODE,
        Opt::LFLOW,
    ] {
        assert!(
            t.sent(Dir::ToServer, Verb::Wont, opt),
            "{opt} not refused\n{t}"
        );
    }
    t.assert_negotiation_clean(Dir::ToServer);
    t.assert_negotiations_at_most(60);
}

fn telnet_chatd_with_mccp2(copying: bool) {
    let (_server, addr) = peers::telnet_chatd();
    let recorder = Recorder::start(addr);
    let policy = Policy::new().with_remote(Opt::MCCP2).with_remote(Opt::ECHO);
    let mut client = CoreClient::connect(recorder.addr(), policy, copying);
    client.read_until(0, b"Enter name: ", PATIENCE).unwrap();
    client.send_text(b"interop\n");
    client
        .read_until(0, b"Welcome, interop!", PATIENCE)
        .unwrap();
    let mark = client.data.len();
    client.send_text(b"hi \xff there\n");
    client
        .read_until(mark, b"interop: hi \xff there", PATIENCE)
        .unwrap();
    drop(client);
    let t = recorder.wait_closed(PATIENCE).unwrap();

    assert!(t.sent(Dir::ToServer, Verb::Do, Opt::MCCP2), "{t}");
    assert!(
        t.has(Dir::ToClient, &Item::CompressionStart),
        "MCCP2 never started\n{t}"
    );
    // The welcome came compressed: it is after the start marker.
    let items = t.items(Dir::ToClient);
    let start = items
        .iter()
        .position(|(_, i)| *i == Item::CompressionStart)
        .unwrap();
    assert!(
        items[start..]
            .iter()
            .any(|(_, i)| matches!(i, Item::Data(d) if contains(d, b"Welcome, interop!"))),
        "the welcome was not inside the compressed stream\n{t}"
    );
    t.assert_negotiation_clean(Dir::ToServer);
    t.assert_negotiations_at_most(10);
}

fn telnetlib_style_server(copying: bool) {
    let (mut server, addr) = peers::telnetlib_server();
    let recorder = Recorder::start(addr);
    let policy = Policy::new()
        .with_local(Opt::NAWS)
        .with_local(Opt::TTYPE)
        .with_remote(Opt::ECHO)
        .with_remote(Opt::SGA);
    let mut client = CoreClient::connect(recorder.addr(), policy, copying);
    client
        .read_until(0, b"server \xff ready\r\n", PATIENCE)
        .unwrap();
    // It refuses what we ask, and answers our refusals with refusals.
    client.enable(Side::Remote, Opt::BINARY);
    client.enable(Side::Local, Opt::EOR);
    let payload = b"x\xffy\rz\n\xff\xff\n";
    let mark = client.data.len();
    client.send_text(payload);
    // It echoes the data as received, CR NUL included, which we read as CR.
    client
        .read_until(mark, b"x\xffy\rz\r\n\xff\xff\r\n", PATIENCE)
        .unwrap();
    client.shutdown_write();
    client.read_to_end(PATIENCE).unwrap();
    let t = recorder.wait_closed(PATIENCE).unwrap();
    server.wait_for_line("CLOSED", PATIENCE).unwrap();

    assert_eq!(
        t.subnegotiations(Dir::ToServer, Opt::TTYPE),
        [[&[0u8][..], TERMINAL].concat()],
        "{t}"
    );
    assert_eq!(
        t.subnegotiations(Dir::ToServer, Opt::NAWS),
        [naws_payload()],
        "{t}"
    );
    assert!(!client.session().is_enabled(Side::Remote, Opt::BINARY));
    assert!(!client.session().is_enabled(Side::Local, Opt::EOR));
    t.assert_negotiation_clean(Dir::ToServer);
    t.assert_negotiations_at_most(12);
    let echoed = t.data(Dir::ToClient);
    assert!(
        contains(&echoed, b"x\xffy\r\0z\r\n\xff\xff\r\n"),
        "echo {}",
        escape(&echoed)
    );
}

fn telnetlib3_server(copying: bool) {
    let (mut server, addr) = peers::telnetlib3_server();
    let recorder = Recorder::start(addr);
    let policy = Policy::new()
        .with_local(Opt::TTYPE)
        .with_local(Opt::NAWS)
        .with_local(Opt::BINARY)
        .with_remote(Opt::BINARY)
        .with_remote(Opt::ECHO)
        .with_remote(Opt::SGA);
    let mut client = CoreClient::connect(recorder.addr(), policy, copying);
    client
        .read_until(0, b"telnetlib3 server \xff ready\r\n", PATIENCE)
        .unwrap();
    let mark = client.data.len();
    let payload = b"\xff\x00\x01\r\n\xfe\xff";
    client.send_text(payload);
    client.read_until(mark, payload, PATIENCE).unwrap();
    client.shutdown_write();
    let _ = client.read_to_end(PATIENCE);
    drop(client);
    let t = recorder.wait_closed(PATIENCE).unwrap();
    let options = server.wait_for_line("OPTIONS", PATIENCE).unwrap();

    assert!(
        options.contains("cols=100") && options.contains("rows=30"),
        "telnetlib3 did not get our NAWS: {options}\n{t}"
    );
    assert!(
        options.to_ascii_lowercase().contains("term=xterm-interop"),
        "telnetlib3 did not get our TTYPE: {options}\n{t}"
    );
    assert!(client_binary(&t), "BINARY not agreed both ways\n{t}");
    t.assert_negotiation_clean(Dir::ToServer);
    t.assert_negotiations_at_most(30);
}

fn client_binary(t: &telnet_interop::Transcript) -> bool {
    t.sent(Dir::ToServer, Verb::Will, Opt::BINARY) && t.sent(Dir::ToServer, Verb::Do, Opt::BINARY)
}

/// Each test with both drive loops of the core.
macro_rules! both_loops {
    ($($name:ident),* $(,)?) => {
        mod events {
            $(#[test]
            fn $name() {
                super::$name(false)
            })*
        }
        mod copying {
            $(#[test]
            fn $name() {
                super::$name(true)
            })*
        }
    };
}

both_loops!(
    busybox_telnetd,
    inetutils_telnetd,
    telnet_chatd_with_mccp2,
    telnetlib_style_server,
    telnetlib3_server
);
