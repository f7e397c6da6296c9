package io.syncsocket.internal.mesh;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.syncsocket.LinkFault;
import io.syncsocket.MeshStats;

/** The live counters behind {@link MeshStats}. Thread-safe. */
public final class MeshCounters {

	final LongAdder messagesReceived = new LongAdder();

	final LongAdder messagesSent = new LongAdder();

	final LongAdder bytesReceived = new LongAdder();

	final LongAdder bytesSent = new LongAdder();

	final LongAdder broadcastsRelayed = new LongAdder();

	final LongAdder duplicatesDropped = new LongAdder();

	final LongAdder expiredDropped = new LongAdder();

	final LongAdder userMessagesDropped = new LongAdder();

	private final EnumMap<LinkFault, LongAdder> faults = new EnumMap<>(LinkFault.class);

	public MeshCounters() {
		for (LinkFault fault : LinkFault.values()) {
			this.faults.put(fault, new LongAdder());
		}
	}

	public void fault(LinkFault fault) {
		java.util.Objects.requireNonNull(this.faults.get(fault), "every fault has a counter").increment();
	}

	void sent(int blobLength) {
		this.messagesSent.increment();
		this.bytesSent.add(blobLength);
	}

	public MeshStats snapshot(int peers, int links) {
		Map<LinkFault, Long> faultCounts = new EnumMap<>(LinkFault.class);
		this.faults.forEach((fault, count) -> faultCounts.put(fault, count.sum()));
		return MeshStats.builder()
			.peers(peers)
			.links(links)
			.messagesReceived(this.messagesReceived.sum())
			.messagesSent(this.messagesSent.sum())
			.bytesReceived(this.bytesReceived.sum())
			.bytesSent(this.bytesSent.sum())
			.broadcastsRelayed(this.broadcastsRelayed.sum())
			.duplicatesDropped(this.duplicatesDropped.sum())
			.expiredDropped(this.expiredDropped.sum())
			.userMessagesDropped(this.userMessagesDropped.sum())
			.faults(faultCounts)
			.build();
	}

}
