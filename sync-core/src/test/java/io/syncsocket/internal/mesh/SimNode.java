package io.syncsocket.internal.mesh;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.syncsocket.Leasing;
import io.syncsocket.MeshOptions;
import io.syncsocket.Metatuple;
import io.syncsocket.SyncEvent;
import io.syncsocket.SyncListener;
import io.syncsocket.SyncOptions;
import io.syncsocket.internal.sync.SyncEngine;
import io.syncsocket.internal.wire.Ids;
import org.jspecify.annotations.Nullable;

/**
 * One simulated syncsocket node: the production {@link MeshNode} and {@link SyncEngine},
 * assembled as {@code SyncSocket} does, on a {@link SimLoop} and the {@link SimNetwork}.
 * It can crash (state lost, links down) and start again with the same or a new node id.
 * Every applied change is checked against the lease rule as it is delivered to a
 * listener.
 */
final class SimNode {

	private final SimWorld world;

	private final SimNetwork network;

	private final SimChecks checks;

	private final String name;

	private final String host;

	private final long skewMillis;

	private final Leasing leasing;

	private final Duration tombstoneRetention;

	private final String protocolId;

	/** {@code maxQueuedBytesPerLink} of this node, or 0 for the default. */
	private final int maxQueuedBytes;

	private int instance;

	private boolean up;

	private @Nullable SimLoop loop;

	private @Nullable MeshNode mesh;

	private @Nullable SyncEngine engine;

	private @Nullable MeshOptions options;

	private String id = "";

	/** The live versions this instance's listener has seen, for the lease check. */
	private final Map<String, Metatuple> shadow = new HashMap<>();

	/**
	 * The version (tombstones included) this instance holds per key: metadata and holder
	 * key.
	 */
	private final Map<String, Metatuple> heldMeta = new HashMap<>();

	private final Map<String, String> held = new HashMap<>();

	/** When this instance completed a handshake with a new peer (simulated nanos). */
	final List<Long> peersGained = new java.util.ArrayList<>();

	SimNode(SimWorld world, SimNetwork network, SimChecks checks, int index, long skewMillis, Leasing leasing,
			Duration tombstoneRetention, int maxQueuedBytes) {
		this.world = world;
		this.network = network;
		this.checks = checks;
		this.name = "n" + index;
		this.host = "10.0.0." + (index + 1);
		this.skewMillis = skewMillis;
		this.leasing = leasing;
		this.tombstoneRetention = tombstoneRetention;
		this.maxQueuedBytes = maxQueuedBytes;
		this.protocolId = Ids.protocolId("sync" + leasing.subnetSuffix(), "Plaintext");
		network.add(this);
	}

	/** Starts the node (again), with a fresh id unless {@code sameId}. */
	void start(boolean sameId) {
		this.instance++;
		if (!sameId || this.id.isEmpty()) {
			this.id = Ids.nodeId(this.host, port(), this.protocolId,
					new UUID(this.world.random.nextLong(), this.world.random.nextLong()).toString());
		}
		this.shadow.clear();
		this.heldMeta.clear();
		this.held.clear();
		SimLoop loop = new SimLoop(this.world, this.name);
		MeshOptions.Builder builder = MeshOptions.builder().clock(this.world.clock(this.skewMillis)).nodeId(this.id);
		if (this.maxQueuedBytes > 0) {
			builder.limits((limits) -> limits.maxQueuedBytesPerLink(this.maxQueuedBytes));
		}
		MeshOptions options = builder.build();
		this.peersGained.clear();
		MeshNode mesh = new MeshNode(options, this.id, this.protocolId, this.host, port(), loop, new MeshCounters(),
				List.of(), List.of(new io.syncsocket.PeerListener() {

					@Override
					public void peerConnected(io.syncsocket.Peer peer) {
						SimNode.this.peersGained.add(SimNode.this.world.now());
					}

				}), (theirs) -> "all simulated nodes share one protocol");
		int started = this.instance;
		mesh.transport((host, port) -> this.network.connect(this, started, host, port));
		SyncOptions defaults = SyncOptions.defaults();
		SyncEngine engine = new SyncEngine(mesh, this.leasing, defaults.deletePolicy(), this.tombstoneRetention,
				defaults.maxTombstones(), defaults.antiEntropyInterval(), List.of(new Checker()),
				io.syncsocket.TestEvents::create);
		mesh.extension(engine);
		this.loop = loop;
		this.mesh = mesh;
		this.engine = engine;
		this.options = options;
		this.up = true;
		this.world
			.log(this.name + " starts as " + Connection.abbreviate(this.id) + " (instance " + this.instance + ")");
	}

	/** The process dies: state gone, every link down. */
	void crash() {
		this.world.log(this.name + " crashes");
		this.up = false;
		SimLoop loop = this.loop;
		if (loop != null) {
			loop.stop();
		}
		this.network.crash(this);
		this.instance++;
	}

	String name() {
		return this.name;
	}

	String host() {
		return this.host;
	}

	int port() {
		return 7000;
	}

	int instance() {
		return this.instance;
	}

	boolean up() {
		return this.up;
	}

	String id() {
		return this.id;
	}

	Leasing leasing() {
		return this.leasing;
	}

	MeshNode mesh() {
		return java.util.Objects.requireNonNull(this.mesh);
	}

	SyncEngine engine() {
		return java.util.Objects.requireNonNull(this.engine);
	}

	SimLoop loop() {
		return java.util.Objects.requireNonNull(this.loop);
	}

	MeshOptions options() {
		return java.util.Objects.requireNonNull(this.options);
	}

	long nowSeconds() {
		return Math.floorDiv(this.world.wallMillis(this.skewMillis), 1000);
	}

	/**
	 * Dials another node as the application would ({@code connect}); failures are normal.
	 */
	java.util.concurrent.@Nullable CompletableFuture<io.syncsocket.Peer> dial(SimNode other) {
		if (!this.up) {
			return null;
		}
		this.world.log(this.name + " connect(" + other.name + ")");
		return mesh().connect(other.host(), other.port());
	}

	@Override
	public String toString() {
		return this.name;
	}

	/** Checks every change as it is committed (listeners are called in commit order). */
	private final class Checker implements SyncListener {

		@Override
		public void onUpdate(SyncEvent event) {
			check(event, true);
		}

		@Override
		public void onDelete(SyncEvent event) {
			check(event, false);
		}

		private void check(SyncEvent event, boolean update) {
			SimNode node = SimNode.this;
			String key = event.key();
			if (node.world.tracing()) {
				node.world.log(node.name + " applies " + key + " " + event.origin() + " " + event.meta() + " "
						+ (update ? event.value() : "deleted"));
			}
			Metatuple previous = node.shadow.get(key);
			Metatuple next = event.meta();
			Metatuple held = node.heldMeta.get(key);
			String replaced = (held != null && SimChecks.newer(held, next)) ? node.held.get(key) : null;
			node.held.put(key, node.checks.applied(node, key, next,
					update ? io.syncsocket.internal.wire.Msgpack.encode(event.value()) : null, replaced));
			node.heldMeta.put(key, next);
			if (previous != null && previous.owner().equals(next.owner()) && next.timestamp() < previous.timestamp()) {
				node.world.violation("own-versions-move-forward",
						node.name + " key " + key + ": " + previous + " -> " + next + " (" + event.origin() + ")");
			}
			if (event.origin() != SyncEvent.Origin.STATE_TRANSFER
					&& !SimChecks.leaseAllows(previous, next, node.leasing.enforced(), node.nowSeconds())) {
				// A 5-packet broadcast (a merged state entry passed on) is merged by the
				// merge order; everything else must pass the lease rule (PROTOCOL.md
				// §7.4).
				boolean merged = event.origin() == SyncEvent.Origin.REMOTE && previous != null
						&& SimChecks.newer(next, previous);
				if (!merged) {
					node.world.violation("lease-rule", node.name + " key " + key + ": " + previous + " -> " + next
							+ " (" + event.origin() + ", leasing " + node.leasing + ")");
				}
			}
			if (update) {
				node.shadow.put(key, next);
			}
			else {
				node.shadow.remove(key);
			}
		}

	}

}
