//! Blocking adapter (work in progress).
