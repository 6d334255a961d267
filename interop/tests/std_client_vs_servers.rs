//! Our blocking client, `telnet-std`, against the real servers (see
//! core_client_vs_servers.rs for what each server sends), with a recorder
//! between the two. The client is configured as an application would:
//! a window size, a terminal type, the options it accepts.

use telnet_interop::{contains, escape, peers, Dir, Item, Recorder, PATIENCE};
use telnet_proto::{Side, TelnetOption as Opt, Verb};
use telnet_std::{Builder, Telnet};

fn client(recorder: &Recorder, builder: Builder) -> Telnet {
    builder
        .window_size(100, 30)
        .terminal_type("XTERM-INTEROP")
        .timeout(Some(PATIENCE))
        .connect(recorder.addr())
        .unwrap_or_else(|e| panic!("telnet-std could not connect: {e}"))
}

#[test]
fn busybox_telnetd() {
    let (_server, addr) = peers::busybox_telnetd();
    let recorder = Recorder::start(addr);
    let builder = Builder::new()
        .allow(Side::Local, Opt::NAWS)
        .allow(Side::Remote, Opt::ECHO)
        .allow(Side::Remote, Opt::SGA);
    let mut tn = client(&recorder, builder);
    tn.write_text("std \u{e9} \n").unwrap();
    tn.write(b"\xff\r\n").unwrap();
    let got = tn.read_until(b"\xff\r\n").unwrap();
    assert!(
        contains(&got, "std \u{e9} \r\n".as_bytes()),
        "{}",
        escape(&got)
    );
    drop(tn);
    let t = recorder.wait_closed(PATIENCE).unwrap();

    assert!(t.sent(Dir::ToServer, Verb::Will, Opt::NAWS), "{t}");
    assert_eq!(
        t.subnegotiations(Dir::ToServer, Opt::NAWS),
        [[0, 100, 0, 30]],
        "{t}"
    );
    assert!(t.sent(Dir::ToServer, Verb::Wont, Opt::ECHO), "{t}");
    t.assert_negotiation_clean(Dir::ToServer);
    t.assert_negotiations_at_most(12);
}

#[test]
fn inetutils_telnetd() {
    let (_server, addr) = peers::inetutils_telnetd();
    let recorder = Recorder::start(addr);
    let builder = Builder::new()
        .allow(Side::Local, Opt::NAWS)
        .allow(Side::Local, Opt::TTYPE)
        .allow(Side::Remote, Opt::ECHO)
        .allow(Side::Remote, Opt::SGA);
    let mut tn = client(&recorder, builder);
    // 7-bit text: without BINARY its pty strips the 8th bit.
    tn.write_text("seven bits\n").unwrap();
    let got = tn.read_until(b"seven bits\r\n").unwrap();
    assert!(contains(&got, b"seven bits\r\n"), "{}", escape(&got));
    drop(tn);
    let t = recorder.wait_closed(PATIENCE).unwrap();

    let is = b"\x00XTERM-INTEROP".to_vec();
    assert_eq!(
        t.subnegotiations(Dir::ToServer, Opt::TTYPE),
        [is.clone(), is],
        "{t}"
    );
    assert_eq!(
        t.subnegotiations(Dir::ToServer, Opt::NAWS),
        [[0, 100, 0, 30]],
        "{t}"
    );
    t.assert_negotiation_clean(Dir::ToServer);
    t.assert_negotiations_at_most(60);
}

#[test]
fn telnet_chatd_with_mccp2() {
    let (_server, addr) = peers::telnet_chatd();
    let recorder = Recorder::start(addr);
    let mut tn = client(
        &recorder,
        Builder::new().mccp().allow(Side::Remote, Opt::ECHO),
    );
    tn.read_until(b"Enter name: ").unwrap();
    tn.write_text("stdclient\n").unwrap();
    let welcome = tn.read_until(b"Welcome, stdclient!").unwrap();
    assert!(
        contains(&welcome, b"Welcome, stdclient!"),
        "{}",
        escape(&welcome)
    );
    tn.write_text("bytes \u{fc} \n").unwrap();
    let said = tn
        .read_until("stdclient: bytes \u{fc} ".as_bytes())
        .unwrap();
    assert!(
        contains(&said, "bytes \u{fc}".as_bytes()),
        "{}",
        escape(&said)
    );
    drop(tn);
    let t = recorder.wait_closed(PATIENCE).unwrap();

    assert!(t.sent(Dir::ToServer, Verb::Do, Opt::MCCP2), "{t}");
    assert!(t.has(Dir::ToClient, &Item::CompressionStart), "{t}");
    t.assert_negotiation_clean(Dir::ToServer);
    t.assert_negotiations_at_most(10);
}

#[test]
fn telnetlib_style_server() {
    let (_server, addr) = peers::telnetlib_server();
    let recorder = Recorder::start(addr);
    let builder = Builder::new()
        .allow(Side::Local, Opt::NAWS)
        .allow(Side::Local, Opt::TTYPE)
        .allow(Side::Remote, Opt::ECHO)
        .allow(Side::Remote, Opt::SGA)
        .request(Side::Remote, Opt::BINARY);
    let mut tn = client(&recorder, builder);
    tn.read_until(b"ready\r\n").unwrap();
    tn.write_text(b"a\xffb\rc\n").unwrap();
    let got = tn.read_until(b"c\r\n").unwrap();
    assert_eq!(got, b"a\xffb\rc\r\n", "{}", escape(&got));
    tn.get_ref().shutdown(std::net::Shutdown::Write).unwrap();
    let rest = tn.read_all().unwrap_or_default();
    assert!(rest.is_empty(), "{}", escape(&rest));
    let t = recorder.wait_closed(PATIENCE).unwrap();

    assert_eq!(
        t.subnegotiations(Dir::ToServer, Opt::NAWS),
        [[0, 100, 0, 30]],
        "{t}"
    );
    assert!(
        contains(&t.raw(Dir::ToServer), b"a\xff\xffb\r\0c\r\n"),
        "{t}"
    );
    t.assert_negotiation_clean(Dir::ToServer);
    t.assert_negotiations_at_most(12);
}

#[test]
fn telnetlib3_server() {
    let (mut server, addr) = peers::telnetlib3_server();
    let recorder = Recorder::start(addr);
    let builder = Builder::new()
        .allow(Side::Local, Opt::NAWS)
        .allow(Side::Local, Opt::TTYPE)
        .allow(Side::Local, Opt::BINARY)
        .allow(Side::Remote, Opt::BINARY)
        .allow(Side::Remote, Opt::ECHO)
        .allow(Side::Remote, Opt::SGA);
    let mut tn = client(&recorder, builder);
    tn.read_until(b"ready\r\n").unwrap();
    tn.write(b"\x00\xff\x01\xfe").unwrap();
    let got = tn.read_until(b"\x01\xfe").unwrap();
    assert_eq!(got, b"\x00\xff\x01\xfe", "{}", escape(&got));
    drop(tn);
    let t = recorder.wait_closed(PATIENCE).unwrap();
    let options = server.wait_for_line("OPTIONS", PATIENCE).unwrap();

    assert!(
        options.contains("cols=100") && options.contains("rows=30"),
        "{options}\n{t}"
    );
    assert!(
        options.to_ascii_lowercase().contains("term=xterm-interop"),
        "{options}\n{t}"
    );
    t.assert_negotiation_clean(Dir::ToServer);
    t.assert_negotiations_at_most(30);
}
