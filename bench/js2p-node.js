#!/usr/bin/env node
/*
 * One js2p 0.7.870 SyncSocket as a benchmark node, driven by io.syncsocket.bench.Bench.
 *
 * Same control protocol as io.syncsocket.bench.JavaNode (see its Javadoc): first stdout line
 * "ready <port>" (or "fail <reason>"), then one reply line per stdin command, "ok [words]" or
 * "err <message>". Stamps are process.hrtime.bigint() (CLOCK_MONOTONIC, comparable with Java's
 * System.nanoTime() on one Linux host). EOF on stdin closes the socket and exits.
 *
 * Arguments: --name N, --compression on|off|default (off: advertise no compression; default = on), --leasing
 * on|off|js2p (js2p: the argument is omitted, js2p's default), --max-outgoing N (accepted for
 * symmetry; js2p never dials a second peer on the same host anyway, so a line stays a line).
 *
 * js2p is taken from interop/js2p/node_modules (run `npm ci` there first).
 */
'use strict';

// stdout is the control channel: js2p's own console output goes to stderr (before require).
for (const name of ['log', 'info', 'debug', 'warn', 'trace']) {
    console[name] = console.error;
}

const net = require('net');
const path = require('path');
const readline = require('readline');

function write(line) {
    process.stdout.write(line + '\n');
}

function now() {
    return process.hrtime.bigint();
}

let js2p;
try {
    js2p = require(require.resolve('js2p', {paths: [path.join(__dirname, '..', 'interop', 'js2p')]}));
}
catch (err) {
    write(`fail js2p not found (run 'npm ci' in interop/js2p): ${err.message}`);
    process.exit(3);
}

// ------------------------------------------------------------------------------- arguments

function parseArgs(argv) {
    const args = {name: 'bench', compression: 'on', leasing: 'js2p'};
    for (let i = 0; i < argv.length; i += 2) {
        if (i + 1 >= argv.length) {
            throw new Error(`argument ${argv[i]} has no value`);
        }
        const value = argv[i + 1];
        switch (argv[i]) {
            case '--name': args.name = value; break;
            case '--compression': args.compression = value; break;
            case '--leasing': args.leasing = value; break;
            case '--max-outgoing': break;
            default: throw new Error(`unknown argument ${argv[i]}`);
        }
    }
    return args;
}

// ------------------------------------------------------------------------------- values

// The same string as io.syncsocket.bench.Values.value(size).
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function value(size) {
    let state = 0x4F6CDD1D;
    let out = '';
    for (let i = 0; i < size; i++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        out += ALPHABET.charAt(state >>> 26);
    }
    return out;
}

// ------------------------------------------------------------------------------- socket

function freePort() {
    return new Promise((resolve, reject) => {
        const probe = net.createServer();
        probe.once('error', reject);
        probe.listen(0, '127.0.0.1', () => {
            const port = probe.address().port;
            probe.close(() => resolve(port));
        });
    });
}

function construct(args, port) {
    if (args.leasing === 'js2p') {
        return new js2p.sync.SyncSocket('127.0.0.1', port);
    }
    return new js2p.sync.SyncSocket('127.0.0.1', port, undefined, args.leasing === 'on');
}

async function start(args) {
    for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        const socket = construct(args, port);
        try {
            await new Promise((resolve, reject) => {
                socket.incoming.once('listening', resolve);
                socket.incoming.once('error', reject);
            });
            socket.on('update', onUpdate);
            return {socket, port};
        }
        catch (err) {
            try {
                socket.close();
            }
            catch (ignored) {
                // never listened
            }
            if (err.code !== 'EADDRINUSE' || attempt >= 5) {
                throw err;
            }
        }
    }
}

// ------------------------------------------------------------------------------- counting

// Update events for keys starting with tally.prefix: a prefix test, a counter and a clock read.
let tally = null;

function onUpdate(sock, key, val, meta) {
    const t = tally;
    if (t === null) {
        return;
    }
    const stamp = now();
    const text = (typeof key === 'string') ? key : Buffer.from(key).toString('utf8');
    if (!text.startsWith(t.prefix)) {
        return;
    }
    t.count++;
    if (t.count === 1) {
        t.first = stamp;
    }
    t.last = stamp;
    if (t.waiter !== null && t.count >= t.waiter.n) {
        const waiter = t.waiter;
        t.waiter = null;
        clearTimeout(waiter.timer);
        setImmediate(() => waiter.done(`ok ${t.first} ${t.last} ${t.count}`));
    }
}

const COMPRESSION_NAMES = {0x10: 'snappy', 0x11: 'gzip', 0x13: 'zlib'};

function linkCompression(conn) {
    const chosen = js2p.base.intersect(js2p.base.compression, conn.compression || [])[0];
    return (chosen === undefined) ? 'none' : (COMPRESSION_NAMES[chosen] || String(chosen));
}

// ------------------------------------------------------------------------------- commands

async function execute(node, w) {
    const socket = node.socket;
    switch (w[0]) {
        case 'connect': {
            const before = socket.routing_table.size;
            const t0 = now();
            socket.connect(w[1], Number(w[2]));
            const deadline = Date.now() + 30000;
            while (socket.routing_table.size <= before) {
                if (Date.now() > deadline) {
                    return `err no handshake from ${w[1]}:${w[2]} within 30 s`;
                }
                await new Promise((resolve) => setTimeout(resolve, 1));
            }
            return `ok ${t0} ${now()}`;
        }
        case 'peers': {
            const names = Array.from(socket.routing_table.values()).map(linkCompression);
            return `ok ${socket.routing_table.size} ${names.length ? names.join(',') : '-'}`;
        }
        case 'arm':
            tally = {prefix: w[1], count: 0, first: 0n, last: 0n, waiter: null};
            return 'ok';
        case 'await': {
            const t = tally;
            if (t === null) {
                return 'err await before arm';
            }
            const n = Number(w[1]);
            if (t.count >= n) {
                return `ok ${t.first} ${t.last} ${t.count}`;
            }
            const timeout = Number(w[2]);
            return new Promise((resolve) => {
                t.waiter = {
                    n: n,
                    done: resolve,
                    timer: setTimeout(() => {
                        t.waiter = null;
                        resolve(`err timeout after ${timeout} ms: ${t.count} of ${n} updates for '${t.prefix}'`
                            + ` (dictionary size ${Object.keys(socket.data).length})`);
                    }, timeout)
                };
            });
        }
        case 'setmany': {
            const n = Number(w[2]);
            const keys = new Array(n);
            for (let i = 0; i < n; i++) {
                keys[i] = w[1] + i;
            }
            const v = value(Number(w[3]));
            const t0 = now();
            for (let i = 0; i < n; i++) {
                socket.set(keys[i], v);
            }
            return `ok ${t0} ${now()}`;
        }
        case 'set1': {
            const key = w[1] + w[2];
            const v = value(Number(w[3]));
            const t0 = now();
            socket.set(key, v);
            return `ok ${t0} ${now()}`;
        }
        case 'check': {
            const n = Number(w[2]);
            let present = 0;
            for (let i = 0; i < n; i++) {
                if (Object.prototype.hasOwnProperty.call(socket.data, w[1] + i)) {
                    present++;
                }
            }
            return `ok ${present}`;
        }
        case 'stats': {
            const m = process.memoryUsage();
            return `ok size=${Object.keys(socket.data).length} heapUsed=${m.heapUsed} heapCommitted=${m.heapTotal}`
                + ` external=${m.external} rss=${m.rss} waterfalls=${socket.waterfalls.length}`;
        }
        case 'gc':
            if (global.gc) {
                global.gc();
            }
            return `ok heapUsed=${process.memoryUsage().heapUsed}`;
        case 'reset': {
            socket.close();
            tally = null;
            const started = await start(node.args);
            node.socket = started.socket;
            node.port = started.port;
            return `ok ${started.port}`;
        }
        case 'close':
            return 'ok';
        default:
            return `err unknown command '${w[0]}'`;
    }
}

async function main() {
    let node;
    try {
        const args = parseArgs(process.argv.slice(2));
        if (args.compression === 'off') {
            // js2p's module-wide list of methods it advertises and uses (base.compression)
            js2p.base.compression.length = 0;
        }
        const started = await start(args);
        node = {args: args, socket: started.socket, port: started.port};
    }
    catch (err) {
        write(`fail ${err.message}`.replace(/\n/g, ' '));
        process.exit(3);
    }
    write(`ready ${node.port}`);

    // Commands run one at a time, in order, like the Java node's single control thread.
    const lines = readline.createInterface({input: process.stdin, terminal: false});
    const queue = [];
    let busy = false;
    const finish = () => {
        try {
            node.socket.close();
        }
        catch (ignored) {
            // closing anyway
        }
        process.exit(0);
    };
    const pump = async () => {
        if (busy) {
            return;
        }
        busy = true;
        while (queue.length) {
            const line = queue.shift();
            const words = line.trim().split(' ');
            let reply;
            try {
                reply = await execute(node, words);
            }
            catch (err) {
                reply = `err ${err && err.message ? err.message : err}`.replace(/\n/g, ' ');
            }
            await new Promise((resolve) => process.stdout.write(reply + '\n', resolve));
            if (words[0] === 'close') {
                finish();
            }
        }
        busy = false;
    };
    lines.on('line', (line) => {
        if (line.trim()) {
            queue.push(line);
            pump();
        }
    });
    lines.on('close', () => {
        queue.push('close');
        pump();
    });
}

main();
