// A js2p 0.7.870 node joining a syncsocket mesh, for the README demo:
//   node interop/js2p/demo-join.js 127.0.0.1 4444
// It prints every update it sees and sets one key of its own.
'use strict';
const [host = '127.0.0.1', port = '4444'] = process.argv.slice(2);
const console_log = console.log;
console.log = console.warn = (...args) => process.stderr.write(args.join(' ') + '\n'); // js2p's own chatter
const js2p = require('js2p');
const net = require('net');

const probe = net.createServer().listen(0, '127.0.0.1', () => {
  const ownPort = probe.address().port;
  probe.close(() => {
    // leasing true: enforce leases like syncsocket's default (subnet "sync1")
    const sync = new js2p.sync.SyncSocket('127.0.0.1', ownPort, undefined, true);
    sync.on('update', (socket, key, value, meta) => {
      console_log(`update ${key} = ${JSON.stringify(value)} (owner ${String(meta.owner).slice(0, 12)}…)`);
    });
    sync.connect(host, Number(port));
    setTimeout(() => sync.set('from-js2p', 'hello from Node.js'), 1000);
    console_log(`js2p node ${sync.id.slice(0, 12)}… on 127.0.0.1:${ownPort} joined ${host}:${port}`);
  });
});
