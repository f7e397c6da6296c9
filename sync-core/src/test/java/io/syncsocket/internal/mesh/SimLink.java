package io.syncsocket.internal.mesh;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.syncsocket.LinkFault;
import io.syncsocket.internal.transport.Link;
import io.syncsocket.internal.wire.Compression;
import io.syncsocket.internal.wire.MessageCodec;
import org.jspecify.annotations.Nullable;

/**
 * One end of a simulated TCP connection. Blobs reach the other end in order after this
 * direction's delay (TCP never reorders within a connection), are decoded with the real
 * wire codec and handed to the other node's mesh as a
 * {@link io.syncsocket.internal.transport.LinkListener} would get them from Netty.
 * Closing sends a FIN behind the data in flight, or a reset that discards it when data to
 * this end was still unread (as a real close does); {@link #retire} shuts the output down
 * and reads on; a link that goes down (partition, crash) loses what is in flight and both
 * ends see it close.
 * <p>
 * A slow reader: this end's outgoing direction may take bytes at a limited rate, so blobs
 * queue at this end before they leave ({@link #queuedBytes}); once more than the owner's
 * {@code maxQueuedBytesPerLink} is queued the link reports {@link LinkFault#SLOW_PEER}
 * and closes, as {@code LinkHandler.channelWritabilityChanged} does, and what had not
 * left yet is lost (Netty fails the pending writes of a closed channel).
 */
final class SimLink implements Link {

	private final SimWorld world;

	final SimNode owner;

	/**
	 * The node instance this end belongs to (a restarted node never sees its old links).
	 */
	final int instance;

	private final boolean outbound;

	private final InetSocketAddress remote;

	@Nullable SimLink peer;

	/** Delay of this end's outgoing direction, and the extra jitter each blob may get. */
	private final long delayNanos;

	private final long jitterNanos;

	/**
	 * When the last blob (or FIN) sent from this end arrives: later ones never arrive
	 * earlier.
	 */
	private long lastArrival;

	private final List<byte[]> pending = new ArrayList<>();

	/**
	 * Bytes per second this end's outgoing direction takes (a slow reader at the other
	 * end); 0: unlimited.
	 */
	long rate;

	/** When the bytes queued at this end have all left (simulated nanos). */
	private long drainedAt;

	/** When this end closed: queued blobs that had not left by then are lost. */
	private long closedAt = Long.MAX_VALUE;

	private boolean slowPeerReported;

	/**
	 * Blobs queued at this end that have not left yet: departure, and
	 * {@link #lastArrival} before them.
	 */
	private final java.util.ArrayDeque<long[]> unsent = new java.util.ArrayDeque<>();

	/**
	 * Blobs sent through a slow reader that have not arrived yet, in order: when the
	 * reader is back to full speed they arrive at once, as a real reader that catches up
	 * drains its socket buffer.
	 */
	private final java.util.ArrayDeque<Delivery> backlog = new java.util.ArrayDeque<>();

	private boolean open = true;

	private boolean closeReported;

	private boolean outputShut;

	/**
	 * Both directions lost (reset, partition, crash): nothing in flight arrives any more.
	 */
	private boolean severed;

	private @Nullable Compression compression;

	final int number;

	SimLink(SimWorld world, SimNode owner, boolean outbound, InetSocketAddress remote, long delayNanos, int number) {
		this.world = world;
		this.owner = owner;
		this.instance = owner.instance();
		this.outbound = outbound;
		this.remote = remote;
		this.delayNanos = delayNanos;
		this.jitterNanos = delayNanos / 2;
		this.number = number;
	}

	@Override
	public boolean outbound() {
		return this.outbound;
	}

	@Override
	public InetSocketAddress remoteAddress() {
		return this.remote;
	}

	@Override
	public void send(byte[] blob, boolean compressible) {
		enqueue(blob, compressible);
		flush();
	}

	@Override
	public void enqueue(byte[] blob, boolean compressible) {
		this.pending.add(blob);
	}

	@Override
	public void flush() {
		for (byte[] blob : this.pending) {
			transmit(blob);
		}
		this.pending.clear();
	}

	int pendingCount() {
		return this.pending.size();
	}

	private long nextArrival() {
		return nextArrival(this.world.now());
	}

	private long nextArrival(long departure) {
		long jitter = (this.jitterNanos > 0) ? (long) (this.world.random.nextDouble() * this.jitterNanos) : 0;
		this.lastArrival = Math.max(departure + this.delayNanos + jitter, this.lastArrival);
		return this.lastArrival;
	}

	private void transmit(byte[] blob) {
		SimLink peer = this.peer;
		if (!this.open || this.outputShut || this.severed || peer == null) {
			return;
		}
		long departure = this.world.now();
		if (this.rate > 0) {
			this.drainedAt = Math.max(departure, this.drainedAt) + blob.length * 1_000_000_000L / this.rate;
			departure = this.drainedAt;
			dropSent();
			this.unsent.add(new long[] { departure, this.lastArrival });
		}
		long arrival = nextArrival(departure);
		if (this.rate > 0) {
			Delivery delivery = new Delivery(blob, departure, arrival);
			this.backlog.add(delivery);
			schedule(delivery, peer);
		}
		else {
			long left = departure;
			this.world.at(arrival - this.world.now(), this + " deliver", () -> {
				if (left <= this.closedAt) {
					peer.arrive(blob);
				}
			});
		}
		long cap = maxQueuedBytes();
		if (!this.slowPeerReported && queuedBytes() > cap) {
			// the real link becomes unwritable on the I/O thread, reports the fault and
			// closes
			this.slowPeerReported = true;
			long queued = queuedBytes();
			this.world.at(0, this + " slow peer", () -> {
				if (!this.open) {
					return;
				}
				if (this.owner.instance() == this.instance) {
					this.world.slowPeerCloses++;
					this.world.log(this + " SLOW_PEER: " + queued + " bytes queued, cap " + cap);
					this.owner.mesh()
						.linkFault(this, LinkFault.SLOW_PEER, queued + " bytes queued for a peer that is not reading");
				}
				close();
			});
		}
	}

	private void schedule(Delivery delivery, SimLink peer) {
		this.world.at(delivery.arrival - this.world.now(), this + " deliver", () -> {
			if (delivery.cancelled) {
				return;
			}
			this.backlog.remove(delivery);
			if (delivery.left <= this.closedAt) {
				peer.arrive(delivery.blob);
			}
		});
	}

	/**
	 * The reader at the other end is back to full speed: what waits to leave leaves now,
	 * and nothing arrives later than it would on a fast link (order kept).
	 */
	void fullSpeed() {
		this.rate = 0;
		SimLink peer = this.peer;
		if (!this.open || peer == null || this.backlog.isEmpty()) {
			return;
		}
		long now = this.world.now();
		this.unsent.clear();
		this.drainedAt = now;
		this.lastArrival = now;
		List<Delivery> waiting = new ArrayList<>(this.backlog);
		this.backlog.clear();
		for (Delivery old : waiting) {
			old.cancelled = true;
			long arrival = Math.max(Math.min(old.arrival, nextArrival(now)), this.lastArrival);
			this.lastArrival = arrival;
			Delivery delivery = new Delivery(old.blob, Math.min(old.left, now), arrival);
			this.backlog.add(delivery);
			schedule(delivery, peer);
		}
	}

	/** One blob on its way through a slow reader. */
	private static final class Delivery {

		final byte[] blob;

		/** When it left this end. */
		final long left;

		final long arrival;

		boolean cancelled;

		Delivery(byte[] blob, long left, long arrival) {
			this.blob = blob;
			this.left = left;
			this.arrival = arrival;
		}

	}

	private void dropSent() {
		long now = this.world.now();
		while (!this.unsent.isEmpty() && this.unsent.peekFirst()[0] <= now) {
			this.unsent.pollFirst();
		}
	}

	/** Closing discards what has not left yet: the FIN follows only the data that did. */
	private void discardUnsent() {
		dropSent();
		if (!this.unsent.isEmpty()) {
			this.lastArrival = this.unsent.peekFirst()[1];
			this.unsent.clear();
		}
	}

	private long maxQueuedBytes() {
		return (this.owner.instance() == this.instance) ? this.owner.options().limits().maxQueuedBytesPerLink()
				: Long.MAX_VALUE;
	}

	private void arrive(byte[] blob) {
		if (!this.open || this.severed) {
			return;
		}
		if (this.outputShut) {
			return; // retired: read and discarded
		}
		this.owner.mesh().messagesReceived(this, List.of(MessageCodec.decode(blob)));
	}

	/** Whether data sent by the peer is still in flight to this end (unread). */
	private boolean unreadInbound() {
		SimLink peer = this.peer;
		return peer != null && !peer.severed && peer.lastArrival > this.world.now();
	}

	@Override
	public void close() {
		if (!this.open) {
			return;
		}
		boolean reset = unreadInbound();
		this.open = false;
		this.closedAt = this.world.now();
		discardUnsent();
		this.world.linkClosed();
		reportClosed();
		SimLink peer = this.peer;
		if (peer == null) {
			return;
		}
		if (reset) {
			// A close with unread data resets the connection: what the peer received but
			// has not read yet (approximated: what is still in flight to it) is lost.
			this.severed = true;
			peer.severed = true;
			this.world.at(this.delayNanos, peer + " reset", peer::remoteClosed);
		}
		else {
			long arrival = nextArrival();
			this.world.at(arrival - this.world.now(), peer + " fin", peer::remoteClosed);
		}
	}

	/** The peer's FIN or reset arrived: no half-closure, this end closes too. */
	private void remoteClosed() {
		close();
	}

	@Override
	public void retire(Duration grace) {
		if (!this.open || this.outputShut) {
			return;
		}
		this.outputShut = true;
		this.pending.clear();
		SimLink peer = this.peer;
		if (peer != null && !this.severed) {
			long arrival = nextArrival();
			this.world.at(arrival - this.world.now(), peer + " fin", peer::remoteClosed);
		}
		this.world.at(grace.toNanos(), this + " retire-timeout", this::close);
	}

	/**
	 * The connection is lost (partition, crash): both ends notice after
	 * {@code detectNanos}.
	 */
	void sever(long detectNanos) {
		this.severed = true;
		if (this.open) {
			this.world.at(detectNanos, this + " lost", this::close);
		}
	}

	private void reportClosed() {
		if (this.closeReported) {
			return;
		}
		this.closeReported = true;
		if (this.owner.instance() == this.instance) {
			this.world.at(0, this + " closed", () -> this.owner.mesh().linkClosed(this));
		}
	}

	void activate() {
		if (this.open && this.owner.instance() == this.instance) {
			this.owner.mesh().linkActive(this);
		}
	}

	@Override
	public long queuedBytes() {
		long now = this.world.now();
		if (!this.open || this.rate <= 0 || this.drainedAt <= now) {
			return 0;
		}
		return (this.drainedAt - now) * this.rate / 1_000_000_000L;
	}

	@Override
	public void compression(@Nullable Compression compression) {
		this.compression = compression;
	}

	@Override
	public @Nullable Compression compression() {
		return this.compression;
	}

	@Override
	public boolean isOpen() {
		return this.open;
	}

	boolean severed() {
		return this.severed;
	}

	@Override
	public String toString() {
		SimLink peer = this.peer;
		return "link#" + this.number + (this.outbound ? " " : "' ") + this.owner.name() + "→"
				+ ((peer != null) ? peer.owner.name() : "?");
	}

}
