package io.syncsocket.bench.jmh;

import java.util.concurrent.TimeUnit;

import io.syncsocket.SyncEvent;
import io.syncsocket.SyncListener;
import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import io.syncsocket.testkit.Values;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole dictionary update through the public API on a started socket without peers:
 * {@code set} (value to msgpack on the caller, hand-off to the node loop and back, lease
 * check, store encode + SHA-256, seen set, map put, listener dispatch) and {@code get}
 * (lock-free read and msgpack decode), over 100,000 keys.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SyncSocketBenchmarks {

	private static final int KEYS = 100_000;

	private SyncSocket socket;

	private String[] keys;

	private String value;

	private int next;

	@Setup(Level.Trial)
	public void setUp() {
		this.socket = new SyncSocket(SyncOptions.builder().mesh((mesh) -> mesh.name("jmh")).build());
		this.socket.addSyncListener(new SyncListener() {

			@Override
			public void onUpdate(SyncEvent event) {
				// a listener that does nothing: the dispatch cost only
			}

		});
		this.socket.start();
		this.value = Values.value(100);
		this.keys = new String[KEYS];
		for (int i = 0; i < KEYS; i++) {
			this.keys[i] = "r0-" + i;
			this.socket.set(this.keys[i], this.value);
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.socket.close();
	}

	/**
	 * One set from a user thread, waiting for the node loop's answer (as SyncSocket.set
	 * does).
	 */
	@Benchmark
	public void set() {
		this.next = (this.next + 1) % KEYS;
		this.socket.set(this.keys[this.next], this.value);
	}

	/** One get of a present key. */
	@Benchmark
	public Object get() {
		this.next = (this.next + 1) % KEYS;
		return this.socket.get(this.keys[this.next]);
	}

}
