package io.syncsocket.internal.transport;

import java.net.InetSocketAddress;

import io.syncsocket.internal.wire.Compression;
import org.jspecify.annotations.Nullable;

/**
 * One TCP connection to a peer, as the mesh layer sees it. Methods may be called from any
 * thread; writes are queued to the link's I/O thread in call order.
 */
public interface Link {

	/** True if this node dialed the connection, false if it accepted it. */
	boolean outbound();

	/**
	 * The remote socket address of the TCP connection (not the peer's advertised
	 * address).
	 */
	InetSocketAddress remoteAddress();

	/** Writes a blob ({@code checksum || body}) at once (framed, flushed). */
	void send(byte[] blob, boolean compressible);

	/**
	 * Queues a blob until {@link #flush()}. Cheaper than {@link #send} for bursts; must
	 * be called under the node lock only (on the node loop, or a user thread running a
	 * change inline), as must {@code flush}.
	 */
	void enqueue(byte[] blob, boolean compressible);

	/**
	 * Writes everything {@link #enqueue queued} in one hand-over to the I/O thread and
	 * one flush.
	 */
	void flush();

	/** Bytes handed to the I/O thread and not yet written to the socket. Any thread. */
	long queuedBytes();

	/** Sets the compression used for compressible blobs from now on (null: none). */
	void compression(@Nullable Compression compression);

	/** The compression negotiated for this link, or null. */
	@Nullable Compression compression();

	/** Closes the connection; idempotent. {@link LinkListener#linkClosed} follows. */
	void close();

	/**
	 * Ends the connection gently: no more writes (what was written still arrives),
	 * reading (and discarding) on until the peer closes its side, closed after
	 * {@code grace} at the latest. Unlike {@link #close()} with unread bytes, which
	 * resets the connection and makes the peer lose what it had received but not read
	 * yet, the peer reads everything we sent. {@link LinkListener#linkClosed} follows.
	 */
	void retire(java.time.Duration grace);

	boolean isOpen();

}
