package io.syncsocket;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.syncsocket.RawPeer.Frame;
import io.syncsocket.internal.wire.Compression;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.Msgpack;
import io.syncsocket.internal.wire.WireMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input over real loopback TCP: a {@link RawPeer} sends what PROTOCOL.md calls a
 * fault (§1, §1.1, §5.1–5.3, §5.7, §5.8, §6.4) to a node that also has a well-behaved
 * {@link MeshSocket} peer. Each test checks the prescribed reaction (close the link, or
 * ignore the message and keep the link working), that the fault is counted in
 * {@link MeshStats}, and that the node keeps serving its good peer as if nothing
 * happened.
 */
class BadInputTests {

	/**
	 * Bound for every wait: generous, so a loaded two-core machine does not make tests
	 * flaky.
	 */
	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Duration STALL_TIMEOUT = Duration.ofMillis(300);

	private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private final List<Message> nodeMessages = new CopyOnWriteArrayList<>();

	private final List<Message> goodMessages = new CopyOnWriteArrayList<>();

	private final Logger meshLogger = (Logger) LoggerFactory.getLogger("io.syncsocket.internal.mesh.LinkFaults");

	private final Logger leakLogger = (Logger) LoggerFactory.getLogger("io.netty.util.ResourceLeakDetector");

	private final ListAppender<ILoggingEvent> meshLog = new ListAppender<>();

	private final ListAppender<ILoggingEvent> leakLog = new ListAppender<>();

	private Level meshLoggerLevel;

	private MeshSocket node;

	private MeshSocket good;

	private Peer goodAsSeenByNode;

	@BeforeEach
	void captureLogs() {
		// Ignored faults are logged at DEBUG, closing ones at INFO: capture both to check
		// "logged once".
		this.meshLoggerLevel = this.meshLogger.getLevel();
		this.meshLogger.setLevel(Level.DEBUG);
		this.meshLog.start();
		this.meshLogger.addAppender(this.meshLog);
		this.leakLog.start();
		this.leakLogger.addAppender(this.leakLog);
	}

	@AfterEach
	void closeEverything() throws Exception {
		List<AutoCloseable> reversed = new ArrayList<>(this.closeables);
		Collections.reverse(reversed);
		Exception failure = null;
		for (AutoCloseable closeable : reversed) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				failure = (failure != null) ? failure : ex;
			}
		}
		this.meshLogger.detachAppender(this.meshLog);
		this.meshLogger.setLevel(this.meshLoggerLevel);
		this.leakLogger.detachAppender(this.leakLog);
		assertThat(lines(this.leakLog)).as("Netty leak reports").noneMatch((line) -> line.contains("LEAK"));
		if (failure != null) {
			throw failure;
		}
	}

	// ---------------------------------------------------------------- framing (§1,
	// §1.1): close

	@Test
	void oversizeLengthHeaderShouldCloseLink() throws Exception {
		startNodes((options) -> options.limits((limits) -> limits.maxFrameLength(1024)));
		RawPeer raw = raw();
		raw.handshake(this.node);
		awaitPeer(raw);
		// Only the header and a few bytes of the announced body: the node must not wait
		// for the rest.
		raw.sendRaw(concat(RawPeer.header(1025), new byte[16]));
		raw.awaitClosed(WAIT);
		assertFaultCounted(LinkFault.FRAME_TOO_LARGE, 1);
		assertLoggedOnce(LinkFault.FRAME_TOO_LARGE, raw);
		awaitGone(raw);
		assertNodeKeepsServing();
	}

	@Test
	void hugeLengthHeaderShouldCloseLinkBeforeHandshake() throws Exception {
		startNodes((options) -> options.limits((limits) -> limits.maxFrameLength(1024)));
		RawPeer raw = raw();
		raw.sendHeader(0xFFFFFFFFL);
		raw.awaitClosed(WAIT);
		assertFaultCounted(LinkFault.FRAME_TOO_LARGE, 1);
		assertNodeKeepsServing();
	}

	@Test
	void frameOfExactlyTheMaximumLengthShouldBeAccepted() throws Exception {
		startNodes((options) -> options.limits((limits) -> limits.maxFrameLength(1024)));
		RawPeer raw = raw();
		raw.handshake(this.node);
		String token = token();
		byte[] blob = null;
		for (int padding = 0; blob == null || blob.length < 1024; padding++) {
			blob = MessageCodec.encode(Flags.BROADCAST, raw.id(), RawPeer.nowSeconds(),
					List.of(Flags.BROADCAST, token, "x".repeat(padding)));
		}
		assertThat(blob).hasSize(1024);
		raw.sendFrame(blob);
		awaitToken(this.nodeMessages, token);
		assertNoFaults();
		assertNodeKeepsServing();
	}

	@Test
	void checksumMismatchShouldCloseLink() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		raw.handshake(this.node);
		awaitPeer(raw);
		String token = token();
		byte[] blob = MessageCodec.encode(Flags.BROADCAST, raw.id(), RawPeer.nowSeconds(),
				List.of(Flags.BROADCAST, "tampered", token));
		blob[blob.length - 1] ^= 0x01;
		raw.sendFrame(blob);
		raw.awaitClosed(WAIT);
		assertFaultCounted(LinkFault.BAD_CHECKSUM, 1);
		assertLoggedOnce(LinkFault.BAD_CHECKSUM, raw);
		awaitGone(raw);
		assertNodeKeepsServing();
		assertThat(this.nodeMessages).noneMatch((message) -> carries(message, token));
		assertThat(this.goodMessages).noneMatch((message) -> carries(message, token));
	}

	@Test
	void blobShorterThanTheChecksumShouldCloseLink() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		raw.handshake(this.node);
		awaitPeer(raw);
		raw.sendFrame(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 });
		raw.awaitClosed(WAIT);
		assertFaultCounted(LinkFault.BAD_CHECKSUM, 1);
		awaitGone(raw);
		assertNodeKeepsServing();
	}

	@Test
	void bodyThatIsNotMsgpackShouldCloseLink() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		raw.sendBody(new byte[] { (byte) 0xc1 }); // the one byte msgpack never uses
		raw.awaitClosed(WAIT);
		assertFaultCounted(LinkFault.MALFORMED_MESSAGE, 1);
		assertLoggedOnce(LinkFault.MALFORMED_MESSAGE, raw);
		assertNodeKeepsServing();
	}

	@Test
	void bodyThatIsNotAnArrayShouldCloseLink() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		raw.handshake(this.node);
		awaitPeer(raw);
		raw.sendBody(Msgpack.encode(Map.of("msg_type", 2)));
		raw.awaitClosed(WAIT);
		assertFaultCounted(LinkFault.MALFORMED_MESSAGE, 1);
		awaitGone(raw);
		assertNodeKeepsServing();
	}

	@Test
	void arrayShorterThanThreeShouldCloseLink() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		raw.handshake(this.node);
		awaitPeer(raw);
		raw.sendBody(Msgpack.encode(List.of(Flags.WHISPER, raw.id())));
		raw.awaitClosed(WAIT);
		assertFaultCounted(LinkFault.MALFORMED_MESSAGE, 1);
		awaitGone(raw);
		assertNodeKeepsServing();
	}

	// ---------------------------------------------------------------- handshake
	// (§5.1–5.3)

	@Test
	void handshakeWithWrongElementCountShouldBeIgnored() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		byte[] protocolId = this.node.protocolId().getBytes(StandardCharsets.US_ASCII);
		raw.send(Flags.WHISPER, Flags.HANDSHAKE, raw.id(), protocolId, raw.address());
		raw.send(Flags.WHISPER, Flags.HANDSHAKE, raw.id(), protocolId, raw.address(), RawPeer.COMPRESSION, "extra");
		assertFaultCounted(LinkFault.IGNORED_HANDSHAKE, 2);
		assertLoggedOnce(LinkFault.IGNORED_HANDSHAKE, raw);
		// Not registered, but not closed either: a valid handshake afterwards is
		// accepted.
		assertThat(peerIds(this.node)).doesNotContain(raw.id());
		raw.handshake(this.node);
		awaitPeer(raw);
		assertRawLinkWorks(raw);
		assertFaultCounted(LinkFault.IGNORED_HANDSHAKE, 2);
		assertNodeKeepsServing();
	}

	@Test
	void handshakeWithWrongElementTypesShouldCloseLink() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		raw.send(Flags.WHISPER, Flags.HANDSHAKE, 42, this.node.protocolId(), "127.0.0.1:4444", List.of("zlib"));
		raw.awaitClosed(WAIT);
		assertFaultCounted(LinkFault.INVALID_HANDSHAKE, 1);
		assertLoggedOnce(LinkFault.INVALID_HANDSHAKE, raw);
		assertThat(peerIds(this.node)).doesNotContain(raw.id());
		assertNodeKeepsServing();
	}

	@Test
	void wrongProtocolIdShouldCloseLinkSilently() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		Frame nodeHandshake = raw.nodeHandshake();
		assertThat(nodeHandshake.raw()).as("handshakes are never compressed").isTrue();
		assertThat(nodeHandshake.message().subFlag()).isEqualTo(Flags.HANDSHAKE);
		assertThat(nodeHandshake.message().packet(1)).isEqualTo(this.node.id());
		assertThat(nodeHandshake.message().packet(2))
			.isEqualTo(this.node.protocolId().getBytes(StandardCharsets.US_ASCII));
		raw.sendHandshake(Protocol.of("another subnet").id(), RawPeer.COMPRESSION);
		assertThat(raw.awaitClosed(WAIT)).as("frames after the node's own handshake").isEmpty();
		assertFaultCounted(LinkFault.PROTOCOL_MISMATCH, 1);
		assertThat(peerIds(this.node)).doesNotContain(raw.id());
		assertNodeKeepsServing();
	}

	@Test
	void wrongProtocolIdFollowedByAValidHandshakeShouldStillCloseLinkSilently() throws Exception {
		startNodes(UnaryOperator.identity());
		List<Peer> connected = new CopyOnWriteArrayList<>();
		this.node.addPeerListener(new PeerListener() {

			@Override
			public void peerConnected(Peer peer) {
				connected.add(peer);
			}

		});
		RawPeer raw = raw();
		// Both handshakes in one write: the node decodes the second before the first
		// closed the link.
		raw.sendRaw(concat(raw.handshakeFrame(Protocol.of("another subnet").id(), RawPeer.COMPRESSION),
				raw.handshakeFrame(this.node.protocolId(), RawPeer.COMPRESSION)));
		assertThat(raw.awaitClosed(WAIT)).as("frames after the node's own handshake").isEmpty();
		assertFaultCounted(LinkFault.PROTOCOL_MISMATCH, 1);
		assertThat(connected).isEmpty();
		assertNodeKeepsServing();
	}

	@Test
	void messagesAfterALinkClosingFaultShouldBeDropped() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		raw.handshake(this.node);
		awaitPeer(raw);
		String token = token();
		// In one write: a message that closes the link, then a user broadcast and a
		// request.
		raw.sendRaw(concat(
				concat(raw.frameOf(Flags.WHISPER, Flags.PEERS, "not a list"),
						raw.frameOf(Flags.BROADCAST, Flags.BROADCAST, "after the fault", token)),
				raw.frameOf(Flags.WHISPER, Flags.REQUEST, "*")));
		assertThat(raw.awaitClosed(WAIT)).as("frames after the fault").isEmpty();
		assertFaultCounted(LinkFault.INVALID_MESSAGE, 1);
		awaitGone(raw);
		assertNodeKeepsServing();
		assertThat(this.nodeMessages).noneMatch((message) -> carries(message, token));
		assertThat(this.goodMessages).noneMatch((message) -> carries(message, token));
	}

	@Test
	void secondHandshakeShouldBeIgnoredQuietly() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		raw.handshake(this.node);
		awaitPeer(raw);
		Peer before = peer(this.node, raw.id());
		// js2p sends its handshake twice (PROTOCOL.md §9 Q4)
		raw.sendHandshake(this.node.protocolId(), RawPeer.COMPRESSION);
		assertRawLinkWorks(raw);
		assertThat(peer(this.node, raw.id())).isEqualTo(before);
		assertNoFaults();
		assertNodeKeepsServing();
	}

	// ---------------------------------------------------------------- flags (§4, §6.4):
	// ignore

	@Test
	void unknownMainFlagsShouldBeIgnored() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		raw.handshake(this.node);
		awaitPeer(raw);
		raw.send(0x03, 0x03); // ping: reserved, never implemented
		raw.send(0x04, 0x04); // pong
		raw.send(0x07, Flags.BROADCAST, "main flag 7");
		assertFaultCounted(LinkFault.UNKNOWN_FLAG, 3);
		assertLoggedOnce(LinkFault.UNKNOWN_FLAG, raw);
		assertRawLinkWorks(raw);
		assertThat(this.nodeMessages).noneMatch((message) -> message.packets().contains("main flag 7"));
		assertNodeKeepsServing();
	}

	@Test
	void unknownSubFlagShouldBeIgnoredCountedEachTimeAndLoggedOnce() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		raw.handshake(this.node);
		awaitPeer(raw);
		for (int i = 0; i < 3; i++) {
			raw.send(Flags.WHISPER, 0x30, "application sub-flag " + i);
		}
		assertFaultCounted(LinkFault.UNKNOWN_FLAG, 3);
		assertLoggedOnce(LinkFault.UNKNOWN_FLAG, raw);
		assertRawLinkWorks(raw);
		assertThat(this.nodeMessages).noneMatch((message) -> message.packets().toString().contains("sub-flag"));
		assertNodeKeepsServing();
	}

	@Test
	void messagesBeforeTheHandshakeShouldBeIgnored() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		String early = token();
		raw.sendUserBroadcast("early", early);
		raw.sendUserWhisper("early", early);
		assertFaultCounted(LinkFault.MESSAGE_BEFORE_HANDSHAKE, 2);
		assertLoggedOnce(LinkFault.MESSAGE_BEFORE_HANDSHAKE, raw);
		raw.handshake(this.node);
		awaitPeer(raw);
		String late = token();
		raw.sendUserBroadcast("late", late);
		awaitToken(this.nodeMessages, late);
		awaitToken(this.goodMessages, late);
		List<Message> queued = new ArrayList<>();
		for (Message message = this.node.recv(); message != null; message = this.node.recv()) {
			queued.add(message);
		}
		assertThat(queued).anyMatch((message) -> carries(message, late));
		assertThat(queued).noneMatch((message) -> carries(message, early));
		assertThat(this.nodeMessages).noneMatch((message) -> carries(message, early));
		assertThat(this.goodMessages).noneMatch((message) -> carries(message, early));
		assertFaultCounted(LinkFault.MESSAGE_BEFORE_HANDSHAKE, 2);
		assertNodeKeepsServing();
	}

	@Test
	void peersMessageWithoutAListShouldCloseLink() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		raw.handshake(this.node);
		awaitPeer(raw);
		raw.send(Flags.WHISPER, Flags.PEERS, "not a list");
		raw.awaitClosed(WAIT);
		assertFaultCounted(LinkFault.INVALID_MESSAGE, 1);
		assertLoggedOnce(LinkFault.INVALID_MESSAGE, raw);
		awaitGone(raw);
		assertNodeKeepsServing();
	}

	// ---------------------------------------------------------------- timeouts and
	// disconnects (§5.8)

	@Test
	void stalledPartialFrameShouldCloseLink() throws Exception {
		startNodes((options) -> options.timeouts((timeouts) -> timeouts.stall(STALL_TIMEOUT)));
		RawPeer raw = raw();
		raw.handshake(this.node);
		awaitPeer(raw);
		long start = System.nanoTime();
		raw.sendRaw(concat(RawPeer.header(200), new byte[20]));
		raw.awaitClosed(WAIT);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(STALL_TIMEOUT);
		assertFaultCounted(LinkFault.STALLED_FRAME, 1);
		assertLoggedOnce(LinkFault.STALLED_FRAME, raw);
		awaitGone(raw);
		assertNodeKeepsServing();
	}

	@Test
	void silentPeerShouldBeClosedAfterTheHandshakeTimeout() throws Exception {
		startNodes((options) -> options.timeouts((timeouts) -> timeouts.handshake(HANDSHAKE_TIMEOUT)));
		long start = System.nanoTime();
		RawPeer raw = raw();
		raw.awaitClosed(WAIT);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(HANDSHAKE_TIMEOUT);
		assertFaultCounted(LinkFault.HANDSHAKE_TIMEOUT, 1);
		assertLoggedOnce(LinkFault.HANDSHAKE_TIMEOUT, raw);
		assertNodeKeepsServing();
	}

	@Test
	void idleHandshakenLinkShouldStayOpenPastBothTimeouts() throws Exception {
		startNodes((options) -> options
			.timeouts((timeouts) -> timeouts.handshake(HANDSHAKE_TIMEOUT).stall(STALL_TIMEOUT)));
		RawPeer raw = raw();
		raw.handshake(this.node);
		awaitPeer(raw);
		Peer before = peer(this.node, raw.id());
		// Polls (no sleep) that both links stay registered for well over both timeouts.
		await().during(HANDSHAKE_TIMEOUT.multipliedBy(2).plus(STALL_TIMEOUT.multipliedBy(2)))
			.until(() -> this.node.peers().contains(before) && this.node.peers().contains(this.goodAsSeenByNode));
		assertRawLinkWorks(raw);
		assertNoFaults();
		assertNodeKeepsServing();
	}

	@Test
	void peerDisconnectingMidFrameShouldNotHarmTheNode() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		raw.handshake(this.node);
		awaitPeer(raw);
		raw.sendRaw(concat(RawPeer.header(300), new byte[100]));
		raw.shutdownOutput();
		raw.awaitClosed(WAIT);
		awaitGone(raw);
		assertNoFaults();
		assertNodeKeepsServing();
	}

	@Test
	void peerResettingMidFrameShouldNotHarmTheNode() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		raw.handshake(this.node);
		awaitPeer(raw);
		raw.sendRaw(concat(RawPeer.header(300), new byte[100]));
		raw.reset();
		awaitGone(raw);
		// A reset may be counted as an I/O error on that link; nothing else.
		MeshStats stats = this.node.stats();
		assertThat(stats.faults(LinkFault.IO_ERROR)).isLessThanOrEqualTo(1);
		assertThat(stats.linkErrors()).isEqualTo(stats.faults(LinkFault.IO_ERROR));
		assertNodeKeepsServing();
	}

	@Test
	void broadcastRacingALinkCloseShouldNotCountAFault() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		raw.handshake(this.node);
		awaitPeer(raw);
		// In one node loop task: close the link, then broadcast, so the write reaches the
		// link while it is closing, before the node loop hears of the close.
		String token = token();
		this.node.call(() -> {
			this.node.runningNode().disconnect(raw.id());
			this.node.runningNode().sendUserBroadcast(List.of("racing the close", token));
			return null;
		});
		raw.awaitClosed(WAIT);
		awaitGone(raw);
		awaitToken(this.goodMessages, token);
		assertNoFaults();
		assertNodeKeepsServing();
	}

	// ---------------------------------------------------------------- renegotiate (§5.7,
	// §10.10)

	@Test
	void renegotiateCompressionShouldSwitchToGzipAndBeAnsweredOnce() throws Exception {
		startNodes((options) -> options.compression((compression) -> compression.threshold(0))); // small
																									// frames
		// compressed too
		RawPeer raw = raw();
		raw.handshake(this.node);
		awaitPeer(raw);
		String before = token();
		this.node.send("before", before);
		assertThat(raw.awaitToken(before).zlib()).as("zlib, the first common method").isTrue();

		raw.send(Flags.RENEGOTIATE, Flags.COMPRESSION, List.of(Compression.GZIP.id()));
		WireMessage answer = raw.awaitMessage((message) -> message.msgType() == Flags.RENEGOTIATE,
				RawPeer.READ_TIMEOUT);
		assertThat(answer.payload()).containsExactly((long) Flags.COMPRESSION, List.of((long) Compression.GZIP.id()));
		String after = token();
		this.node.send("after", after);
		assertThat(raw.awaitToken(after).gzip()).as("gzip after the renegotiation").isTrue();
		assertThat(this.node.peers()).filteredOn((peer) -> peer.id().equals(raw.id()))
			.singleElement()
			.satisfies((peer) -> assertThat(peer.compression()).isEqualTo("gzip"));

		// The same list again changes nothing, so it is not answered: the answer to a
		// later request "*" arrives with no renegotiate before it.
		raw.send(Flags.RENEGOTIATE, Flags.COMPRESSION, List.of(Compression.GZIP.id()));
		raw.send(Flags.WHISPER, Flags.REQUEST, "*".getBytes(StandardCharsets.US_ASCII));
		List<Frame> frames = raw.readUntil((frame) -> frame.message().subFlag() == Flags.PEERS, RawPeer.READ_TIMEOUT);
		assertThat(frames).noneMatch((frame) -> frame.message().msgType() == Flags.RENEGOTIATE);
		assertThat(frames).allMatch(Frame::gzip);
		assertRawLinkWorks(raw);
		assertNoFaults();
		assertNodeKeepsServing();
	}

	@Test
	void smallFramesShouldGoRawToSyncsocketPeersAndCompressedToJs2pPeers() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer syncsocketStyle = raw();
		syncsocketStyle.handshake(this.node);
		RawPeer js2pStyle = raw();
		js2pStyle.handshakeAsJs2p(this.node);
		await().until(() -> peerIds(this.node).containsAll(List.of(syncsocketStyle.id(), js2pStyle.id())));
		assertThat(peer(this.node, js2pStyle.id()).dialect()).isEqualTo(Peer.Dialect.JS2P);
		assertThat(peer(this.node, syncsocketStyle.id()).dialect()).isEqualTo(Peer.Dialect.SYNCSOCKET);

		String small = token();
		this.node.send("small", small);
		String large = token();
		this.node.send("large", large, "x".repeat(MeshCompression.DEFAULT_THRESHOLD));

		assertThat(syncsocketStyle.awaitToken(small).raw()).as("below the threshold, to syncsocket").isTrue();
		assertThat(syncsocketStyle.awaitToken(large).zlib()).as("above the threshold, to syncsocket").isTrue();
		assertThat(js2pStyle.awaitToken(small).zlib()).as("js2p gets every frame compressed (§5.6)").isTrue();
		assertThat(js2pStyle.awaitToken(large).zlib()).isTrue();
		assertNoFaults();
		assertNodeKeepsServing();
	}

	@Test
	void renegotiateResendShouldResendTheLastMessageSentOnTheLink() throws Exception {
		startNodes(UnaryOperator.identity());
		RawPeer raw = raw();
		raw.handshake(this.node);
		awaitPeer(raw);
		String broadcast = token();
		this.node.send("broadcast", broadcast);
		raw.awaitToken(broadcast);
		String whisper = token();
		assertThat(this.node.whisper(raw.id(), "whisper", whisper)).isTrue();
		WireMessage original = raw.awaitToken(whisper).message();

		raw.send(Flags.RENEGOTIATE, Flags.RESEND);
		WireMessage resent = raw.awaitMessage(
				(message) -> message.payload().contains(whisper) || message.payload().contains(broadcast),
				RawPeer.READ_TIMEOUT);
		assertThat(resent.msgType()).isEqualTo(Flags.WHISPER);
		assertThat(resent.payload()).isEqualTo(original.payload());

		String last = token();
		this.node.send("last", last);
		raw.awaitToken(last);
		raw.send(Flags.RENEGOTIATE, Flags.RESEND);
		resent = raw.awaitMessage((message) -> message.payload().contains(last), RawPeer.READ_TIMEOUT);
		assertThat(resent.msgType()).isEqualTo(Flags.BROADCAST);
		assertThat(resent.payload()).containsExactly((long) Flags.BROADCAST, "last", last);
		// A resend goes to the asking link only; the good peer saw "last" once.
		awaitToken(this.goodMessages, last);
		assertThat(this.goodMessages.stream().filter((message) -> carries(message, last))).hasSize(1);
		assertNoFaults();
		assertNodeKeepsServing();
	}

	@Test
	void nodeShouldNeverSendRenegotiateOnItsOwn() throws Exception {
		startNodes((options) -> options.compression((compression) -> compression.threshold(0))); // "everything
																									// raw"
																									// must
		// not be the
		// threshold's doing
		RawPeer raw = raw();
		raw.sendUserBroadcast("before the handshake", token());
		raw.handshake(this.node, List.of()); // this peer decodes nothing compressed
		// Compressed although nothing was negotiated: raw-first decoding accepts both
		// (§1.1).
		String zlib = token();
		String gzip = token();
		raw.sendCompressed(Compression.ZLIB, Flags.BROADCAST, Flags.BROADCAST, "zlib", zlib);
		raw.sendCompressed(Compression.GZIP, Flags.WHISPER, Flags.WHISPER, "gzip", gzip);
		raw.send(Flags.WHISPER, 0x30, "unknown sub-flag");
		raw.send(0x03, 0x03);
		awaitToken(this.nodeMessages, zlib);
		awaitToken(this.nodeMessages, gzip);
		String down = token();
		this.node.send("down", down);
		raw.send(Flags.WHISPER, Flags.REQUEST, "*");
		List<Frame> frames = raw.readUntil((frame) -> frame.message().subFlag() == Flags.PEERS, RawPeer.READ_TIMEOUT);
		assertThat(frames).anyMatch((frame) -> frame.message().payload().contains(down));
		assertThat(frames).noneMatch((frame) -> frame.message().msgType() == Flags.RENEGOTIATE);
		assertThat(frames).as("no common compression method: everything raw").allMatch(Frame::raw);
		assertThat(this.node.stats().faults(LinkFault.MESSAGE_BEFORE_HANDSHAKE)).isEqualTo(1);
		assertThat(this.node.stats().faults(LinkFault.UNKNOWN_FLAG)).isEqualTo(2);
		assertThat(this.node.stats().linkErrors()).isZero();
		assertNodeKeepsServing();
	}

	// ---------------------------------------------------------------- helpers

	/**
	 * Starts the node under test (options customised by the test) and a well-behaved peer
	 * connected to it; neither follows peer lists, so the raw peer's advertised address
	 * is never dialed.
	 */
	private void startNodes(UnaryOperator<MeshOptions.Builder> options) {
		this.node = track(new MeshSocket(options.apply(MeshOptions.builder().port(0).maxOutgoing(0)).build())).start();
		this.good = track(new MeshSocket(MeshOptions.builder().port(0).maxOutgoing(0).build())).start();
		this.node.addMessageListener(this.nodeMessages::add);
		this.good.addMessageListener(this.goodMessages::add);
		this.good.connect("127.0.0.1", this.node.boundAddress().getPort());
		await().until(() -> peerIds(this.node).contains(this.good.id()));
		this.goodAsSeenByNode = peer(this.node, this.good.id());
	}

	private <T extends AutoCloseable> T track(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	private RawPeer raw() throws Exception {
		return track(RawPeer.connect(this.node));
	}

	/**
	 * The good peer is still connected, unchanged, and user broadcasts flow both ways.
	 */
	private void assertNodeKeepsServing() {
		assertThat(this.node.state()).isEqualTo(MeshSocket.State.RUNNING);
		assertThat(this.node.peers()).contains(this.goodAsSeenByNode);
		assertThat(peerIds(this.good)).containsExactly(this.node.id());
		String up = token();
		this.good.send("good to node", up);
		awaitToken(this.nodeMessages, up);
		String down = token();
		this.node.send("node to good", down);
		awaitToken(this.goodMessages, down);
		assertThat(this.good.stats().linkErrors()).as("faults seen by the good peer").isZero();
	}

	/** The raw peer's link carries user broadcasts both ways. */
	private void assertRawLinkWorks(RawPeer raw) throws Exception {
		String up = token();
		raw.sendUserBroadcast("raw to node", up);
		awaitToken(this.nodeMessages, up);
		String down = token();
		this.node.send("node to raw", down);
		raw.awaitToken(down);
	}

	/**
	 * Waits until the fault was counted {@code count} times, then checks no other fault
	 * was.
	 */
	private void assertFaultCounted(LinkFault fault, long count) {
		await().untilAsserted(() -> assertThat(this.node.stats().faults(fault)).isEqualTo(count));
		assertThat(this.node.stats().faults()).allSatisfy((kind, n) -> {
			if (kind != fault) {
				assertThat(n).as("faults of kind %s", kind).isZero();
			}
		});
	}

	private void assertNoFaults() {
		assertThat(this.node.stats().faults())
			.allSatisfy((kind, n) -> assertThat(n).as("faults of kind %s", kind).isZero());
	}

	/**
	 * Exactly one log line names this fault, and it names the link (by the raw peer's
	 * port).
	 */
	private void assertLoggedOnce(LinkFault fault, RawPeer raw) {
		await().untilAsserted(() -> assertThat(faultLines(fault)).hasSize(1));
		assertThat(faultLines(fault).get(0)).contains(":" + raw.localPort());
	}

	private List<String> faultLines(LinkFault fault) {
		return lines(this.meshLog).stream().filter((line) -> line.contains(fault.name())).toList();
	}

	private static List<String> lines(ListAppender<ILoggingEvent> appender) {
		synchronized (appender) {
			return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
		}
	}

	private void awaitPeer(RawPeer raw) {
		await().until(() -> peerIds(this.node).contains(raw.id()));
	}

	private void awaitGone(RawPeer raw) {
		await().until(() -> !peerIds(this.node).contains(raw.id()));
	}

	private static void awaitToken(List<Message> messages, String token) {
		await().until(() -> messages.stream().anyMatch((message) -> carries(message, token)));
	}

	private static boolean carries(Message message, String token) {
		return message.packets().contains(token);
	}

	/** Every wait is bounded by {@link #WAIT}; polling starts at once and is frequent. */
	private static ConditionFactory await() {
		return Awaitility.await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20));
	}

	private static List<String> peerIds(MeshSocket socket) {
		return socket.peers().stream().map(Peer::id).toList();
	}

	private static Peer peer(MeshSocket socket, String id) {
		return socket.peers().stream().filter((peer) -> peer.id().equals(id)).findFirst().orElseThrow();
	}

	private static String token() {
		return "token-" + UUID.randomUUID();
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] both = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, both, a.length, b.length);
		return both;
	}

}
