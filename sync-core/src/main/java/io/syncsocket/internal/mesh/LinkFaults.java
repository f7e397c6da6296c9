package io.syncsocket.internal.mesh;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

import io.syncsocket.LinkFault;
import io.syncsocket.internal.transport.Addresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a fault does to a link (STYLE.md, "Errors"): it is counted, logged the first time
 * it occurs on that link, and the link is closed if the fault says so; the node and its
 * data stay. {@link #fault} runs on the node loop; {@link #refused} on the I/O thread
 * that refused a connection.
 */
final class LinkFaults {

	private static final Logger logger = LoggerFactory.getLogger(LinkFaults.class);

	private final MeshCounters counters;

	private final AtomicLong refusalsLogged = new AtomicLong();

	LinkFaults(MeshCounters counters) {
		this.counters = counters;
	}

	/**
	 * Counts a fault, logs its first occurrence on this link, and closes the link if the
	 * fault says so.
	 */
	void fault(Connection connection, LinkFault fault, String detail) {
		this.counters.fault(fault);
		boolean first = connection.loggedFaults.add(fault);
		if (fault.closesLink()) {
			if (first && !connection.closed) {
				logger.info("Closing {}: {} ({})", connection, fault, detail);
			}
			if (connection.closeReason == null) {
				connection.closeReason = fault + " (" + detail + ")";
			}
			// Closing is asynchronous: messages of this link that were decoded in the
			// same read are already queued on the loop. Drop them rather than act on a
			// link we gave up on.
			connection.closed = true;
			if (!connection.handshaken()) {
				// Our handshake may still be queued (it goes out when the batch ends):
				// send it first, so that the peer's own check can say what differs.
				connection.link.flush();
			}
			connection.link.close();
		}
		else if (first && logger.isDebugEnabled()) {
			logger.debug("Ignoring a message from {}: {} ({}); further ones are counted only", connection, fault,
					detail);
		}
	}

	/**
	 * The transport refused a connection before it became a link (a limit was reached):
	 * counted, and every 100th logged.
	 */
	void refused(InetSocketAddress remote, LinkFault fault, String detail) {
		this.counters.fault(fault);
		if (this.refusalsLogged.getAndIncrement() % 100 == 0) {
			logger.warn("Refused a connection from {}: {} ({}); every 100th refusal is logged", Addresses.text(remote),
					fault, detail);
		}
	}

}
