/**
 * Benchmark harness: {@link io.syncsocket.bench.Bench} spawns one process per node
 * ({@link io.syncsocket.bench.JavaNode}; {@code bench/js2p-node.js} for js2p;
 * {@link io.syncsocket.bench.PeerNode} for the JGroups and Hazelcast peers) and measures
 * throughput, latency and join time on loopback. See {@code docs/benchmarks.md}.
 */
@NullMarked
package io.syncsocket.bench;

import org.jspecify.annotations.NullMarked;
