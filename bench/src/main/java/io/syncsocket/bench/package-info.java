/**
 * Benchmark harness: {@link io.syncsocket.bench.Bench} spawns one process per node
 * through the test kit's {@link io.syncsocket.testkit.ChildNode} (syncsocket:
 * {@link io.syncsocket.testkit.JavaNode}; js2p: {@code interop/js2p/driver.js}; the
 * JGroups and Hazelcast peers: {@link io.syncsocket.bench.PeerNode}) and measures
 * throughput, latency and join time on loopback. See {@code docs/benchmarks.md}.
 */
@NullMarked
package io.syncsocket.bench;

import org.jspecify.annotations.NullMarked;
