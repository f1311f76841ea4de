'use strict';
/**
 * Preloaded (`node --require`) into the Microsoft 365 Agents Playground: its server listens
 * without naming a host, i.e. on every interface. It has no authentication, so it is kept on
 * 127.0.0.1: a `listen` call that names no host gets 127.0.0.1.
 */
const net = require('node:net');

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof second !== 'string') args.splice(1, 0, '127.0.0.1');
  } else if (first && typeof first === 'object' && !Array.isArray(first) && first.path === undefined && first.host === undefined && first.port !== undefined) {
    args[0] = { ...first, host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};
