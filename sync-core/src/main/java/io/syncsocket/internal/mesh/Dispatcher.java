package io.syncsocket.internal.mesh;

import java.util.List;

import io.syncsocket.LinkFault;
import io.syncsocket.internal.transport.Link;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.WireFormatException;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each message a link delivered to the part that handles it, in the order they
 * arrived: a handshake to {@link Handshakes}, anything else only once the link is
 * handshaken; renegotiations, peer lists and requests to {@link PeerExchange}; a
 * broadcast through the {@link Waterfall} if it is new; what the layer above claims to
 * its {@link MeshExtension}, user messages to the {@link UserInbox}. A message with an
 * unknown flag or that is malformed is a fault of its link ({@link LinkFaults}); the node
 * and its data stay. Node loop.
 */
final class Dispatcher {

	private static final Logger logger = LoggerFactory.getLogger(Dispatcher.class);

	private final LinkTable links;

	private final Handshakes handshakes;

	private final Waterfall waterfall;

	private final PeerExchange exchange;

	private final UserInbox inbox;

	private final LinkFaults faults;

	private @Nullable MeshExtension extension;

	Dispatcher(LinkTable links, Handshakes handshakes, Waterfall waterfall, PeerExchange exchange, UserInbox inbox,
			LinkFaults faults) {
		this.links = links;
		this.handshakes = handshakes;
		this.waterfall = waterfall;
		this.exchange = exchange;
		this.inbox = inbox;
		this.faults = faults;
	}

	/** Installs the layer above, before the socket starts. */
	void extension(MeshExtension extension) {
		this.extension = extension;
	}

	/**
	 * The messages of one read of a link; those after a fault that closed the link are
	 * dropped.
	 */
	void received(Link link, List<WireMessage> messages) {
		Connection connection = this.links.get(link);
		for (WireMessage message : messages) {
			if (connection == null || connection.closed) {
				return;
			}
			try {
				receive(connection, message);
			}
			catch (WireFormatException ex) {
				this.faults.fault(connection, ex.fault(), ex.getMessage());
			}
			catch (RuntimeException ex) {
				// a message no handler expected: that link goes, the node and its data
				// stay
				logger.warn("Unexpected error handling {} from {}", message, connection, ex);
				this.faults.fault(connection, LinkFault.INVALID_MESSAGE, ex.toString());
			}
		}
	}

	private void receive(Connection from, WireMessage message) {
		int type = message.msgType();
		if (type != Flags.BROADCAST && type != Flags.WHISPER && type != Flags.RENEGOTIATE) {
			this.faults.fault(from, LinkFault.UNKNOWN_FLAG, "main flag " + type);
			return;
		}
		if (type != Flags.RENEGOTIATE && message.subFlag() == Flags.HANDSHAKE) {
			if (!from.handshaken()) {
				this.handshakes.received(from, message);
			}
			return;
		}
		if (!from.handshaken()) {
			this.faults.fault(from, LinkFault.MESSAGE_BEFORE_HANDSHAKE,
					"sub-flag " + message.subFlag() + " before the handshake");
			return;
		}
		if (type == Flags.RENEGOTIATE) {
			this.exchange.renegotiate(from, message);
			return;
		}
		boolean broadcast = type == Flags.BROADCAST;
		if (broadcast && !this.waterfall.admit(from, message)) {
			return;
		}
		// parsed once, before it is passed on: a malformed message closes the link it
		// came on here, and relayed it would close every peer's link to us as well
		MeshExtension.Claimed claimed = claim(message);
		if (broadcast) {
			this.waterfall.relay(message, claimed);
		}
		dispatch(from, message, claimed);
	}

	private MeshExtension.@Nullable Claimed claim(WireMessage message) {
		int subFlag = message.subFlag();
		MeshExtension extension = this.extension;
		if (extension == null || subFlag == Flags.PEERS || subFlag == Flags.REQUEST || subFlag == Flags.RESPONSE) {
			return null;
		}
		return extension.claim(message);
	}

	private void dispatch(Connection from, WireMessage message, MeshExtension.@Nullable Claimed claimed) {
		int subFlag = message.subFlag();
		switch (subFlag) {
			case Flags.PEERS -> this.exchange.peersReceived(from, message);
			case Flags.REQUEST -> this.exchange.request(from, message);
			case Flags.RESPONSE -> {
				// Answers to route requests; this node never sends one (PROTOCOL.md
				// §5.5).
			}
			default -> {
				MeshExtension extension = this.extension;
				if (claimed != null && extension != null) {
					extension.handle(from, message, claimed);
					return;
				}
				if (subFlag == Flags.BROADCAST || subFlag == Flags.WHISPER) {
					this.inbox.received(message);
				}
				else {
					this.faults.fault(from, LinkFault.UNKNOWN_FLAG, "sub-flag " + PeerExchange.describeFlag(message));
				}
			}
		}
	}

}
