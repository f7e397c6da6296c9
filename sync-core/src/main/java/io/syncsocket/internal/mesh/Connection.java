package io.syncsocket.internal.mesh;

import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import io.syncsocket.LinkFault;
import io.syncsocket.Peer;
import io.syncsocket.internal.transport.Link;
import org.jspecify.annotations.Nullable;

/**
 * The mesh's state for one link: before the handshake a pending connection, afterwards
 * the routing-table entry of a peer. Touched only under the node lock (see
 * {@link NodeLoop}).
 */
public final class Connection {

	/** Matches every connection: a broadcast that any peer may receive. */
	public static final Predicate<Connection> ANY = (connection) -> true;

	final Link link;

	boolean handshakeSent;

	@Nullable Peer peer;

	/**
	 * The compression ids the peer advertised (from its handshake or a renegotiation).
	 */
	List<Integer> peerCompression = List.of();

	/** Whether a peers message arrived from this peer (else we ask with request "*"). */
	boolean peersReceived;

	boolean closed;

	/**
	 * Whether this node closed the link as a duplicate ({@code Link.retire}) and has not
	 * yet dialed the peer again for it: the link stays open, reading, until the peer,
	 * which may still route over it, closes its end.
	 */
	boolean retired;

	/** Whether the link has blobs queued in the current node-loop batch. */
	boolean dirty;

	NodeExecutor.@Nullable Cancellable handshakeTimer;

	NodeExecutor.@Nullable Cancellable peerRequestTimer;

	/**
	 * Completed when the handshake is accepted (for {@code connect}); failed when the
	 * link closes first.
	 */
	@Nullable CompletableFuture<Peer> handshakeFuture;

	/** The address dialed (outbound links, once the dial completed). */
	@Nullable InetSocketAddress dialed;

	/** The id this connection was dialed for, while following a peer list. */
	@Nullable String expectedId;

	/**
	 * The last user-visible message sent here (main flag and payload), for a renegotiate
	 * resend.
	 */
	int lastSentType = -1;

	@Nullable List<?> lastSentPayload;

	/** Faults already logged on this link, so each kind is logged once. */
	final EnumSet<LinkFault> loggedFaults = EnumSet.noneOf(LinkFault.class);

	/** The fault that closed this link, for a dial that fails with it. */
	@Nullable String closeReason;

	/**
	 * Why the peer's handshake was refused (duplicate id, self-connection), for a dial
	 * whose connect callback runs only after that.
	 */
	@Nullable Exception refusal;

	Connection(Link link) {
		this.link = link;
	}

	/** The peer's node id, or null before its handshake. */
	public @Nullable String peerId() {
		Peer peer = this.peer;
		return (peer != null) ? peer.id() : null;
	}

	public @Nullable Peer peer() {
		return this.peer;
	}

	/**
	 * The implementation the peer's handshake looks like; SYNCSOCKET before the
	 * handshake.
	 */
	public Peer.Dialect dialect() {
		Peer peer = this.peer;
		return (peer != null) ? peer.dialect() : Peer.Dialect.SYNCSOCKET;
	}

	/** Whether the link is still up. */
	public boolean isOpen() {
		return !this.closed;
	}

	/** Bytes written to this link and not yet sent (back-pressure for long streams). */
	public long queuedBytes() {
		return this.link.queuedBytes();
	}

	boolean handshaken() {
		return this.peer != null;
	}

	/** Completes the pending connect of this link, if any, with its peer. */
	void completeHandshake(Peer peer) {
		CompletableFuture<Peer> future = this.handshakeFuture;
		if (future != null) {
			this.handshakeFuture = null;
			future.complete(peer);
		}
	}

	/**
	 * Refuses the peer's handshake: the pending connect fails with the reason, or a
	 * connect that attaches later does (see {@link Dials}).
	 */
	void refuseHandshake(Exception reason) {
		this.refusal = reason;
		failHandshake(reason);
	}

	/** Fails the pending connect of this link, if any. */
	void failHandshake(Exception cause) {
		CompletableFuture<Peer> future = this.handshakeFuture;
		if (future != null) {
			this.handshakeFuture = null;
			future.completeExceptionally(cause);
		}
	}

	/** Cancels the handshake timer, and the peer-request timer too once closed. */
	void cancelTimers() {
		if (this.handshakeTimer != null) {
			this.handshakeTimer.cancel();
			this.handshakeTimer = null;
		}
		if (this.peerRequestTimer != null && this.closed) {
			this.peerRequestTimer.cancel();
			this.peerRequestTimer = null;
		}
	}

	@Override
	public String toString() {
		String id = peerId();
		return (id != null) ? "peer " + abbreviate(id) + " (" + this.link + ")" : "link " + this.link;
	}

	static String abbreviate(String id) {
		return (id.length() > 12) ? id.substring(0, 12) + "…" : id;
	}

}
