"use strict";
// Preload for the AutoRest test server: `node -r ./listen-loopback.cjs cli.js run --port N`.
//
// The test server calls `app.listen(port, cb)` without a host, which would bind every
// interface. This patch forces every TCP listen in the process onto 127.0.0.1, before the
// socket is created, so nothing ever listens on 0.0.0.0 / :: (not even briefly).
// Pipes / handles (listen(path), listen({ fd }), listen(handle)) are passed through.
//
// If RX_LRO_EXIT_ON_STDIN_EOF=1, the process also exits once its stdin closes: the harness
// keeps a pipe open to it, so the server dies together with the parent even if the parent
// is killed with SIGKILL (no orphaned servers).
const net = require("node:net");

const LOOPBACK = "127.0.0.1";
const originalListen = net.Server.prototype.listen;

function isPort(value) {
  return (
    typeof value === "number" ||
    (typeof value === "string" && value.trim() !== "" && /^\d+$/.test(value.trim()))
  );
}

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const first = args[0];
  if (args.length === 0 || typeof first === "function" || first === undefined || first === null) {
    // listen() / listen(cb): random port, all interfaces -> random port on loopback.
    const rest = args.length === 0 ? [] : args.slice(1);
    const cb = typeof first === "function" ? [first] : [];
    return originalListen.call(this, 0, LOOPBACK, ...cb, ...rest);
  }
  if (isPort(first)) {
    // listen(port[, host][, backlog][, cb])
    if (typeof args[1] === "string") {
      args[1] = LOOPBACK;
    } else {
      args.splice(1, 0, LOOPBACK);
    }
    return originalListen.apply(this, args);
  }
  if (typeof first === "object" && !("fd" in first) && !("_handle" in first) && !("path" in first && first.path)) {
    // listen({ port, host, ... }[, cb])
    args[0] = { ...first, host: LOOPBACK, ipv6Only: false };
    return originalListen.apply(this, args);
  }
  // listen(path) / listen(handle) / listen({ fd }) / listen({ path }): not TCP on an interface.
  return originalListen.apply(this, args);
};

if (process.env.RX_LRO_EXIT_ON_STDIN_EOF === "1" && process.stdin) {
  const stop = () => process.exit(0);
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.stdin.on("error", stop);
  process.stdin.resume();
}
