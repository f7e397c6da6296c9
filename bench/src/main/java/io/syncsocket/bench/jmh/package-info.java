/**
 * JMH micro-benchmarks of syncsocket's hot paths through public types. Those that need
 * package-private access live in the bench module under the internal package they measure
 * ({@code io.syncsocket.internal.mesh.SeenSetBenchmarks},
 * {@code io.syncsocket.internal.sync.SyncInternalsBenchmarks}). See
 * {@code docs/benchmarks.md}.
 */
@NullMarked
package io.syncsocket.bench.jmh;

import org.jspecify.annotations.NullMarked;
