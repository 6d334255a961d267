//! Links the system libtelnet (Debian: `libtelnet-dev`), which the parser
//! bench compares against.

fn main() {
    println!("cargo:rustc-link-lib=telnet");
    println!("cargo:rerun-if-changed=build.rs");
}
