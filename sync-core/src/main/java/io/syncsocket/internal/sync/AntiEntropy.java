package io.syncsocket.internal.sync;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import io.syncsocket.Peer;
import io.syncsocket.internal.mesh.Connection;
import io.syncsocket.internal.mesh.MeshNode;
import io.syncsocket.internal.wire.Flags;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anti-entropy: a 64-bit digest of the dictionary, whispered to syncsocket peers each
 * round; two dictionaries that stay different with no change on either side for a round
 * are repaired by a full state exchange. Under the node lock.
 */
final class AntiEntropy {

	private static final Logger logger = LoggerFactory.getLogger(AntiEntropy.class);

	private final MeshNode mesh;

	/** Whether digests are kept and compared (a non-zero anti-entropy interval). */
	private final boolean enabled;

	/**
	 * XOR of {@link #entryHash} over every stored entry: equal dictionaries have equal
	 * digests.
	 */
	private long digest;

	/** Per peer id: its last digest and ours when it came, while they differ. */
	private final Map<String, long[]> peerDigests = new HashMap<>();

	private final LongAdder repairs = new LongAdder();

	/**
	 * @param interval how often to send peers this node's digest (zero: never)
	 */
	AntiEntropy(MeshNode mesh, Duration interval) {
		this.mesh = mesh;
		this.enabled = !interval.isZero();
		if (this.enabled) {
			scheduleDigests(interval);
		}
	}

	/**
	 * A key's stored version changed from {@code previous} to {@code current} (null:
	 * none).
	 */
	void changed(SyncKey key, @Nullable Version previous, @Nullable Version current) {
		if (this.enabled) {
			this.digest ^= ((previous != null) ? entryHash(key, previous) : 0)
					^ ((current != null) ? entryHash(key, current) : 0);
		}
	}

	/** Full states asked of peers so far. Any thread. */
	long repairs() {
		return this.repairs.sum();
	}

	/**
	 * Sends every syncsocket peer this node's digest, each round. The live rules of the
	 * protocol can leave two nodes holding different versions of a key for good (two
	 * nodes claiming a free key at once under leases, deltas applied in different
	 * orders); full states merge by {@link LeaseRule#wins}, a total order, so exchanging
	 * them converges.
	 */
	private void scheduleDigests(Duration every) {
		this.mesh.loop().schedule(() -> {
			sendDigests();
			scheduleDigests(every);
		}, every);
	}

	private void sendDigests() {
		java.util.Set<String> connected = new java.util.HashSet<>();
		for (Connection peer : this.mesh.routes()) {
			if (peer.dialect() == Peer.Dialect.SYNCSOCKET) {
				connected.add(peer.peerId());
				this.mesh.outbox().whisper(peer, List.of(Flags.DIGEST, this.digest));
			}
		}
		this.peerDigests.keySet().retainAll(connected);
	}

	/**
	 * A peer's digest. Different from ours is normal while changes are in flight;
	 * different again with neither side changed since the last round means they will not
	 * converge by themselves: ask the peer for its full state (it asks for ours the same
	 * way).
	 */
	void digestReceived(Connection from, long theirs) {
		String peerId = Objects.requireNonNull(from.peerId());
		if (theirs == this.digest) {
			this.peerDigests.remove(peerId);
			return;
		}
		long[] last = this.peerDigests.get(peerId);
		if (last != null && last[0] == theirs && last[1] == this.digest) {
			this.peerDigests.remove(peerId);
			this.repairs.increment();
			logger.debug("Dictionary differs from {}'s with no change on either side for a round: asking for its state",
					from);
			this.mesh.requestState(from);
			return;
		}
		this.peerDigests.put(peerId, new long[] { theirs, this.digest });
	}

	/**
	 * 64 well-mixed bits of a key and its version (FNV-1a over the bytes, then a
	 * finaliser).
	 */
	private static long entryHash(SyncKey key, Version version) {
		long hash = absorb(0xcbf29ce484222325L, key.bytes());
		hash = mix(hash ^ version.owner.hashCode()) ^ version.timestamp;
		return mix((version.value != null) ? absorb(hash, version.value) : hash);
	}

	private static long absorb(long hash, byte[] bytes) {
		for (byte b : bytes) {
			hash = (hash ^ b) * 0x100000001b3L;
		}
		return hash;
	}

	private static long mix(long z) {
		z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
		z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
		return z ^ (z >>> 31);
	}

}
