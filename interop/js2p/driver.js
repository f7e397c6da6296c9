#!/usr/bin/env node
/*
 * ONE real js2p 0.7.870 node (SyncSocket or MeshSocket) in a child process, for the interop and
 * fault tests (io.syncsocket.interop.Js2pNode) and the benchmark (io.syncsocket.bench.Bench).
 *
 * It speaks the child-node protocol of io.syncsocket.testkit.ChildNode (see its Javadoc for the
 * envelope and every command): one JSON command per stdin line, one JSON reply per command, and
 * with --events on one JSON line per js2p event. stdout carries nothing else; js2p's own console
 * output and Node warnings go to stderr. Arguments, events and typed values: README.md.
 */
'use strict';

// js2p writes diagnostics with console.log (e.g. "There was an unhandled exception with peer
// id ..."). stdout is reserved for the line protocol, so every console method goes to stderr,
// and this must happen before js2p is required (it warns at load time).
for (const name of ['log', 'info', 'debug', 'warn', 'trace']) {
    console[name] = console.error;
}

const net = require('net');
const readline = require('readline');

// ---------------------------------------------------------------------------------------------
// output

function emit(obj) {
    process.stdout.write(JSON.stringify(obj) + '\n');
}

function errorMessage(err) {
    if (err instanceof Error) {
        return `${err.name}: ${err.message}`;
    }
    return String(err);
}

function failure(id, err) {
    return {reply: id, ok: false, error: (err instanceof Error) ? err.name : 'Error',
        message: (err instanceof Error) ? err.message : String(err)};
}

process.on('uncaughtException', (err) => {
    console.error('uncaught exception:', err);
    emit({event: 'error', message: errorMessage(err)});
});
process.on('unhandledRejection', (err) => {
    console.error('unhandled rejection:', err);
    emit({event: 'error', message: errorMessage(err)});
});

// ---------------------------------------------------------------------------------------------
// typed values: JSON that keeps the msgpack type of a value (str vs bin, int vs float, ...)

const MAX_SAFE = Math.pow(2, 53);

function isBytes(v) {
    return Buffer.isBuffer(v) || v instanceof Uint8Array;
}

function toTyped(v) {
    if (v === null || v === undefined) {
        return {t: 'nil'};
    }
    if (typeof v === 'string') {
        return {t: 'str', v: v};
    }
    if (typeof v === 'boolean') {
        return {t: 'bool', v: v};
    }
    if (typeof v === 'number') {
        if (Number.isInteger(v) && Math.abs(v) <= MAX_SAFE) {
            return {t: 'int', v: v};
        }
        // JSON has no NaN/Infinity; keep them readable instead of turning them into null
        return {t: 'float', v: Number.isFinite(v) ? v : String(v)};
    }
    if (typeof v === 'bigint') {
        return {t: 'int', v: (v >= -MAX_SAFE && v <= MAX_SAFE) ? Number(v) : v.toString()};
    }
    if (isBytes(v)) {
        return {t: 'bin', v: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')};
    }
    if (Array.isArray(v)) {
        return {t: 'array', v: v.map(toTyped)};
    }
    if (v instanceof Map) {
        return {t: 'map', v: Array.from(v.entries()).map(([k, x]) => [toTyped(k), toTyped(x)])};
    }
    if (typeof v === 'object') {
        return {t: 'map', v: Object.keys(v).map((k) => [toTyped(k), toTyped(v[k])])};
    }
    return {t: 'str', v: String(v)};
}

function fromTyped(node) {
    if (node === null || typeof node !== 'object' || typeof node.t !== 'string') {
        throw new TypeError(`not a typed value: ${JSON.stringify(node)}`);
    }
    switch (node.t) {
        case 'nil':
            return null;
        case 'str':
            return String(node.v);
        case 'bin':
            return Buffer.from(node.v || '', 'hex');
        case 'int':
        case 'float':
            return Number(node.v);
        case 'bool':
            return Boolean(node.v);
        case 'array':
            return (node.v || []).map(fromTyped);
        case 'map': {
            const obj = {};
            for (const [k, x] of (node.v || [])) {
                const key = fromTyped(k);
                // defineProperty: a key such as "__proto__" must become an own property, not the prototype
                Object.defineProperty(obj, isBytes(key) ? Buffer.from(key).toString('utf8') : String(key),
                        {value: fromTyped(x), enumerable: true, writable: true, configurable: true});
            }
            return obj;
        }
        default:
            throw new TypeError(`unknown typed value tag '${node.t}'`);
    }
}

// a key argument may be a plain JSON string or a typed value (js2p turns it into a Buffer anyway)
function keyArg(cmd) {
    if (typeof cmd.key === 'string') {
        return cmd.key;
    }
    if (cmd.key && typeof cmd.key === 'object') {
        return fromTyped(cmd.key);
    }
    throw new TypeError("'key' is required (a string or a typed value)");
}

function text(v) {
    if (v === null || v === undefined) {
        return null;
    }
    return isBytes(v) ? Buffer.from(v).toString('utf8') : String(v);
}

// ---------------------------------------------------------------------------------------------
// arguments

function parseArgs(argv) {
    const args = {kind: 'sync', host: '127.0.0.1', port: 0, leasing: 'omitted', subnet: undefined,
        encryption: 'Plaintext', compression: 'on', events: 'on'};
    for (let i = 0; i < argv.length; i++) {
        const name = argv[i];
        if (!name.startsWith('--') || i + 1 >= argv.length) {
            throw new Error(`bad argument '${name}' (expected: --name value)`);
        }
        const value = argv[++i];
        switch (name) {
            case '--kind':
                if (value !== 'sync' && value !== 'mesh') {
                    throw new Error(`--kind: ${value} (expected: sync|mesh)`);
                }
                args.kind = value;
                break;
            case '--host':
                args.host = value;
                break;
            case '--port':
                args.port = Number(value);
                if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
                    throw new Error(`--port: ${value} (expected: 0-65535)`);
                }
                break;
            case '--leasing':
                if (value !== 'omitted' && value !== 'true' && value !== 'false') {
                    throw new Error(`--leasing: ${value} (expected: omitted|true|false)`);
                }
                args.leasing = value;
                break;
            case '--subnet':
                args.subnet = value;
                break;
            case '--encryption':
                if (value !== 'Plaintext' && value !== 'SSL') {
                    throw new Error(`--encryption: ${value} (expected: Plaintext|SSL)`);
                }
                args.encryption = value;
                break;
            case '--compression':
                if (value !== 'on' && value !== 'off') {
                    throw new Error(`--compression: ${value} (expected: on|off)`);
                }
                args.compression = value;
                break;
            case '--events':
                if (value !== 'on' && value !== 'off') {
                    throw new Error(`--events: ${value} (expected: on|off)`);
                }
                args.events = value;
                break;
            default:
                throw new Error(`unknown argument '${name}'`);
        }
    }
    if (args.kind === 'mesh' && args.leasing !== 'omitted') {
        throw new Error('--leasing applies to --kind sync only');
    }
    return args;
}

// ---------------------------------------------------------------------------------------------
// js2p node

const js2p = require('js2p');

function freePort(host) {
    return new Promise((resolve, reject) => {
        const probe = net.createServer();
        probe.once('error', reject);
        probe.listen(0, host, () => {
            const port = probe.address().port;
            probe.close(() => resolve(port));
        });
    });
}

function construct(args, port) {
    // without --subnet and --encryption no protocol is passed (js2p's defaults); with SSL alone the
    // subnet is js2p's default for the kind ('sync' / 'mesh')
    const subnet = (args.subnet !== undefined) ? args.subnet : (args.kind === 'mesh' ? 'mesh' : 'sync');
    const protocol = (args.subnet === undefined && args.encryption === 'Plaintext')
        ? undefined : new js2p.base.Protocol(subnet, args.encryption);
    if (args.kind === 'mesh') {
        return new js2p.mesh.MeshSocket(args.host, port, protocol);
    }
    // SyncSocket(addr, port, protocol, leasing, out_addr, debug_level); js2p appends '1'/'0' to
    // the subnet itself ('0' only for leasing === false). "omitted" must not pass the argument.
    if (args.leasing === 'omitted') {
        return (protocol === undefined)
            ? new js2p.sync.SyncSocket(args.host, port)
            : new js2p.sync.SyncSocket(args.host, port, protocol);
    }
    return new js2p.sync.SyncSocket(args.host, port, protocol, args.leasing === 'true');
}

// js2p calls server.listen(port, addr) in its constructor and does not wait for it; a bind
// error would surface as an unhandled 'error' event, so we wait for 'listening' here.
function listening(socket) {
    return new Promise((resolve, reject) => {
        socket.incoming.once('listening', resolve);
        socket.incoming.once('error', reject);
    });
}

async function start(args) {
    const attempts = args.port ? 1 : 5;
    for (let attempt = 1; ; attempt++) {
        const port = args.port || await freePort(args.host);
        const socket = construct(args, port);
        try {
            await listening(socket);
            socket.on('update', onUpdate);
            if (args.events === 'on') {
                instrument(socket);
            }
            return {socket, port};
        }
        catch (err) {
            try {
                socket.close();
            }
            catch (ignored) {
                // the server never listened
            }
            if (err.code !== 'EADDRINUSE' || attempt >= attempts) {
                throw err;
            }
            console.error(`port ${port} taken, retrying (${attempt}/${attempts})`);
        }
    }
}

function instrument(socket) {
    socket.on('update', (sock, key, value, meta) => {
        emit({
            event: 'update',
            key: toTyped(key),
            value: toTyped(value),
            owner: text(meta && meta.owner),
            timestamp: meta ? meta.timestamp : null
        });
    });
    socket.on('delete', (sock, key) => {
        emit({event: 'delete', key: toTyped(key)});
    });
    // 'message' carries only the socket; the message itself has to be taken with recv()
    socket.on('message', (sock) => {
        let msg;
        while ((msg = socket.recv()) !== undefined) {
            emit({
                event: 'message',
                flag: msg.msg ? msg.msg.msg_type : null,
                sender: text(msg.sender),
                time: msg.time,
                id: isBytes(msg.id) ? Buffer.from(msg.id).toString('hex') : null,
                packets: msg.packets.map(toTyped)
            });
        }
    });
    // js2p has no events for the mesh's own traffic; two of its methods are wrapped so that tests
    // can see request/response exchanges. __handle_request is looked up on the socket each time a
    // message is dispatched, _send_peers each time a peers list goes out (after a handshake on an
    // awaiting connection, and in answer to request "*"), so instance properties take effect.
    const handleRequest = socket.__handle_request.bind(socket);
    socket.__handle_request = (msg, conn) => {
        if (msg.packets[0] === js2p.base.flags.request) {
            emit({
                event: 'request',
                flag: msg.msg ? msg.msg.msg_type : null,
                from: text(conn && conn.id),
                packets: msg.packets.map(toTyped)
            });
        }
        return handleRequest(msg, conn);
    };
    const sendPeers = socket._send_peers.bind(socket);
    socket._send_peers = (conn) => {
        emit({event: 'peers_sent', to: text(conn && conn.id)});
        return sendPeers(conn);
    };
    // js2p emits 'connect' (argument: the socket) when a handshake arrives while the routing
    // table is empty, i.e. when the node goes from "no peers" to "connected". There is no
    // 'disconnect' event in js2p 0.7.870.
    socket.on('connect', () => {
        emit({event: 'connect'});
    });
    // link-level failures: js2p catches them, logs to console, pushes them here and drops the link
    const push = socket.exceptions.push.bind(socket.exceptions);
    socket.exceptions.push = (...errors) => {
        for (const err of errors) {
            emit({event: 'link_error', message: errorMessage(err)});
        }
        return push(...errors);
    };
}

// ---------------------------------------------------------------------------------------------
// benchmark counting: update events for keys starting with tally.prefix, only a prefix test, a
// counter and a clock read per event (it is on the measured path, the control channel is not)

let tally = null;

function now() {
    return process.hrtime.bigint();
}

function onUpdate(sock, key, val, meta) {
    const t = tally;
    if (t === null) {
        return;
    }
    const stamp = now();
    const keyText = (typeof key === 'string') ? key : Buffer.from(key).toString('utf8');
    if (!keyText.startsWith(t.prefix)) {
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
        setImmediate(() => waiter.done(counted(t)));
    }
}

// stamps are BigInts: decimal strings in JSON
function counted(t) {
    return {first: String(t.first), last: String(t.last), count: t.count};
}

function timeout(message) {
    const err = new Error(message);
    err.name = 'timeout';
    return err;
}

// The same string as io.syncsocket.testkit.Values.value(size).
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function benchValue(size) {
    let state = 0x4F6CDD1D;
    let out = '';
    for (let i = 0; i < size; i++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        out += ALPHABET.charAt(state >>> 26);
    }
    return out;
}

function awaitCount(socket, n, timeoutMs) {
    const t = tally;
    if (t === null) {
        throw new Error('await before arm');
    }
    if (t.count >= n) {
        return counted(t);
    }
    return new Promise((resolve, reject) => {
        t.waiter = {
            n: n,
            done: resolve,
            timer: setTimeout(() => {
                t.waiter = null;
                reject(timeout(`timeout after ${timeoutMs} ms: ${t.count} of ${n} updates for '${t.prefix}'`
                    + ` (dictionary size ${Object.keys(socket.data).length})`));
            }, timeoutMs)
        };
    });
}

// ---------------------------------------------------------------------------------------------
// commands

const COMPRESSION_NAMES = {0x10: 'snappy', 0x11: 'gzip', 0x13: 'zlib'};

function linkCompression(conn) {
    const chosen = js2p.base.intersect(js2p.base.compression, (conn && conn.compression) || [])[0];
    return (chosen === undefined) ? 'none' : (COMPRESSION_NAMES[chosen] || String(chosen));
}

function peers(socket) {
    const result = [];
    for (const [key, conn] of socket.routing_table) {
        const addr = conn && conn.addr;
        result.push({
            id: text(key),
            host: addr ? text(addr[0]) : null,
            port: (addr && typeof addr[1] === 'number') ? addr[1] : null,
            outgoing: Boolean(conn && conn.outgoing),
            compression: linkCompression(conn)
        });
    }
    return result;
}

function ownValue(obj, key) {
    return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function requireSync(socket) {
    if (!(socket instanceof js2p.sync.SyncSocket)) {
        throw new Error('not a SyncSocket (started with --kind mesh)');
    }
}

async function connect(socket, cmd) {
    const before = socket.routing_table.size;
    const t0 = now();
    // js2p returns undefined when it dials, true/false when it decides not to (see README)
    const dialed = socket.connect(cmd.host, cmd.port) === undefined;
    if (!cmd.handshake) {
        return {dialed: dialed, before: String(t0)};
    }
    if (!dialed) {
        throw new Error(`js2p refused to dial ${cmd.host}:${cmd.port} (a peer with that host or port exists)`);
    }
    const deadline = Date.now() + 30000;
    while (socket.routing_table.size <= before) {
        if (Date.now() > deadline) {
            throw timeout(`no handshake from ${cmd.host}:${cmd.port} within 30 s`);
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return {dialed: true, before: String(t0), after: String(now())};
}

async function execute(node, cmd) {
    const socket = node.socket;
    switch (cmd.cmd) {
        case 'connect':
            return connect(socket, cmd);
        case 'set':
            requireSync(socket);
            socket.set(keyArg(cmd), fromTyped(cmd.value));
            return null;
        case 'get': {
            // internal state, so that falsy values (0, '', false) are visible too
            requireSync(socket);
            const value = ownValue(socket.data, text(keyArg(cmd)));
            return value === undefined ? null : toTyped(value);
        }
        case 'api_get': {
            // js2p's own get(): hides falsy values
            requireSync(socket);
            const value = socket.get(keyArg(cmd), null);
            return value === null ? null : toTyped(value);
        }
        case 'apply_delta':
            requireSync(socket);
            socket.apply_delta(keyArg(cmd), fromTyped(cmd.delta));
            return null;
        case 'del':
            requireSync(socket);
            socket.del(keyArg(cmd));
            return null;
        case 'send':
            socket.send((cmd.packets || []).map(fromTyped), cmd.flag, cmd.type);
            return null;
        case 'keys':
            requireSync(socket);
            return Object.keys(socket.data);
        case 'items':
            requireSync(socket);
            return Object.keys(socket.data).map((key) => {
                const meta = ownValue(socket.metadata, key);
                return [key, toTyped(socket.data[key]), meta ? text(meta.owner) : null, meta ? meta.timestamp : null];
            });
        case 'peers':
            return peers(socket);
        case 'status':
            return {
                id: socket.id,
                port: node.port,
                peerCount: socket.routing_table.size,
                awaiting: socket.awaiting_ids.length,
                outgoing: socket.outgoing.length,
                exceptions: socket.exceptions.map(errorMessage)
            };
        case 'arm':
            tally = {prefix: String(cmd.prefix), count: 0, first: 0n, last: 0n, waiter: null};
            return null;
        case 'await':
            return awaitCount(socket, Number(cmd.n), Number(cmd.timeoutMs));
        case 'setmany': {
            const n = Number(cmd.n);
            const keys = new Array(n);
            for (let i = 0; i < n; i++) {
                keys[i] = cmd.prefix + i;
            }
            const v = benchValue(Number(cmd.size));
            const t0 = now();
            for (let i = 0; i < n; i++) {
                socket.set(keys[i], v);
            }
            return {before: String(t0), after: String(now())};
        }
        case 'set1': {
            const key = cmd.prefix + cmd.i;
            const v = benchValue(Number(cmd.size));
            const t0 = now();
            socket.set(key, v);
            return {before: String(t0), after: String(now())};
        }
        case 'check': {
            const n = Number(cmd.n);
            let present = 0;
            for (let i = 0; i < n; i++) {
                if (Object.prototype.hasOwnProperty.call(socket.data, cmd.prefix + i)) {
                    present++;
                }
            }
            return {present: present};
        }
        case 'stats': {
            const m = process.memoryUsage();
            return {size: Object.keys(socket.data).length, heapUsed: m.heapUsed, heapCommitted: m.heapTotal,
                external: m.external, rss: m.rss, waterfalls: socket.waterfalls.length};
        }
        case 'gc':
            if (global.gc) {
                global.gc();
            }
            return {heapUsed: process.memoryUsage().heapUsed};
        case 'reset': {
            socket.close();
            tally = null;
            const started = await start(node.args);
            node.socket = started.socket;
            node.port = started.port;
            return {port: started.port};
        }
        default:
            throw new Error(`unknown command '${cmd.cmd}'`);
    }
}

let shuttingDown = false;

function shutdown(node, code, reply) {
    if (shuttingDown) {
        return;
    }
    shuttingDown = true;
    try {
        node.socket.close();
    }
    catch (err) {
        console.error('close failed:', err);
    }
    const line = reply ? JSON.stringify(reply) + '\n' : '';
    process.stdout.write(line, () => process.exit(code));
}

async function main() {
    let args;
    try {
        args = parseArgs(process.argv.slice(2));
    }
    catch (err) {
        emit({event: 'error', message: errorMessage(err)});
        process.exit(2);
    }
    if (args.compression === 'off') {
        // js2p's module-wide list of the methods it advertises and uses
        js2p.base.compression.length = 0;
    }
    let node;
    try {
        const started = await start(args);
        node = {args: args, socket: started.socket, port: started.port};
    }
    catch (err) {
        emit({event: 'error', message: `start failed: ${errorMessage(err)}`});
        process.exit(1);
    }
    const socket = node.socket;
    emit({event: 'ready', port: node.port, id: socket.id, protocolId: socket.protocol.id,
        subnet: socket.protocol.subnet, encryption: socket.protocol.encryption});

    // Commands run one at a time, in order (some wait: connect with handshake, await, reset).
    const queue = [];
    let busy = false;
    const pump = async () => {
        if (busy) {
            return;
        }
        busy = true;
        while (queue.length && !shuttingDown) {
            const line = queue.shift();
            let cmd;
            try {
                cmd = JSON.parse(line);
            }
            catch (err) {
                emit({reply: null, ok: false, error: 'SyntaxError', message: `bad JSON: ${errorMessage(err)}`});
                continue;
            }
            const id = (cmd && cmd.id !== undefined) ? cmd.id : null;
            if (cmd && cmd.cmd === 'close') {
                shutdown(node, 0, {reply: id, ok: true, result: null});
                return;
            }
            let reply;
            try {
                const result = await execute(node, cmd);
                reply = {reply: id, ok: true, result: (result === undefined) ? null : result};
            }
            catch (err) {
                reply = failure(id, err);
            }
            await new Promise((resolve) => process.stdout.write(JSON.stringify(reply) + '\n', resolve));
        }
        busy = false;
    };
    const lines = readline.createInterface({input: process.stdin, terminal: false});
    lines.on('line', (line) => {
        if (!shuttingDown && line.trim()) {
            queue.push(line);
            pump();
        }
    });
    // the controlling process went away: do not linger
    lines.on('close', () => shutdown(node, 0, null));
}

main();
