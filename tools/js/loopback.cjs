// Preload (node --require) that makes a server which listens on a bare port bind 127.0.0.1
// instead of every interface. server-everything calls app.listen(PORT) with no host and has no
// option for one; the benchmarks must only ever listen on loopback.
'use strict';
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const port = args[0];
  const isPort = typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port));
  if (isPort && typeof args[1] !== 'string') {
    args.splice(1, 0, '127.0.0.1');
  }
  return listen.apply(this, args);
};
