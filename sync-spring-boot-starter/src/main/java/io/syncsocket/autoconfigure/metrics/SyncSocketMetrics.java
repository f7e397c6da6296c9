package io.syncsocket.autoconfigure.metrics;

import java.util.Map;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.syncsocket.LinkFault;
import io.syncsocket.SyncSocket;
import io.syncsocket.SyncStats;

/**
 * Micrometer meters of {@link SyncSocket}s, tagged {@code socket=<name>}: peers, keys,
 * tombstones, messages and bytes in and out, relayed broadcasts, updates by origin,
 * deletes, lease and stale rejections, and link errors by fault. Meters read the sockets'
 * counters when scraped; nothing is recorded on the hot path.
 */
public class SyncSocketMetrics implements MeterBinder {

	private final Map<String, SyncSocket> sockets;

	/**
	 * @param sockets the sockets by socket name
	 */
	public SyncSocketMetrics(Map<String, SyncSocket> sockets) {
		this.sockets = Map.copyOf(sockets);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.sockets.forEach((name, socket) -> bind(registry, name, socket));
	}

	private static void bind(MeterRegistry registry, String name, SyncSocket socket) {
		Tags tags = Tags.of("socket", name);
		gauge(registry, "sync.peers", "Handshaken peers", tags, socket, (s) -> s.peers().size());
		gauge(registry, "sync.keys", "Keys in the dictionary", tags, socket, (s) -> sync(s).keys());
		gauge(registry, "sync.tombstones", "Deleted keys remembered", tags, socket, (s) -> sync(s).tombstones());
		counter(registry, "sync.messages.received", "Messages received", tags, socket,
				(s) -> s.stats().messagesReceived());
		counter(registry, "sync.messages.sent", "Messages written to links", tags, socket,
				(s) -> s.stats().messagesSent());
		counter(registry, "sync.bytes.received", "Blob bytes received", tags, socket, (s) -> s.stats().bytesReceived());
		counter(registry, "sync.bytes.sent", "Blob bytes written", tags, socket, (s) -> s.stats().bytesSent());
		counter(registry, "sync.broadcasts.relayed", "Broadcasts relayed to peers", tags, socket,
				(s) -> s.stats().broadcastsRelayed());
		counter(registry, "sync.updates", "Updates applied", tags.and("origin", "local"), socket,
				(s) -> sync(s).localUpdates());
		counter(registry, "sync.updates", "Updates applied", tags.and("origin", "remote"), socket,
				(s) -> sync(s).remoteUpdates());
		counter(registry, "sync.updates", "Updates applied", tags.and("origin", "state_transfer"), socket,
				(s) -> sync(s).stateTransferUpdates());
		counter(registry, "sync.deletes", "Deletes applied", tags, socket, (s) -> sync(s).deletes());
		counter(registry, "sync.lease.rejections", "Remote changes refused by the lease rule", tags, socket,
				(s) -> sync(s).leaseRejections());
		counter(registry, "sync.stale.rejections", "Remote changes older than the stored version", tags, socket,
				(s) -> sync(s).staleRejections());
		counter(registry, "sync.repairs",
				"Full states asked of a peer whose dictionary stayed different (anti-entropy)", tags, socket,
				(s) -> sync(s).repairs());
		for (LinkFault fault : LinkFault.values()) {
			counter(registry, "sync.link.faults", "Link faults by kind",
					tags.and("fault", fault.name().toLowerCase(java.util.Locale.ROOT))
						.and("closes_link", String.valueOf(fault.closesLink())),
					socket, (s) -> s.stats().faults(fault));
		}
	}

	/** Dictionary counters (zero before start, the last values after close). */
	private static SyncStats sync(SyncSocket socket) {
		return socket.syncStats();
	}

	private static void gauge(MeterRegistry registry, String name, String description, Tags tags, SyncSocket socket,
			ToDoubleFunction<SyncSocket> value) {
		Gauge.builder(name, socket, value).description(description).tags(tags).register(registry);
	}

	private static void counter(MeterRegistry registry, String name, String description, Tags tags, SyncSocket socket,
			ToDoubleFunction<SyncSocket> value) {
		FunctionCounter.builder(name, socket, value).description(description).tags(tags).register(registry);
	}

}
