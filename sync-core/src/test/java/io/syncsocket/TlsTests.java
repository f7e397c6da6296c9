package io.syncsocket;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static io.syncsocket.TestSockets.link;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * TLS over loopback TCP ({@code SSL} encryption, PROTOCOL.md §1 and §3.2): verified
 * (mutual) TLS between nodes whose certificates a test CA issued, compatible (js2p-like)
 * mode without any material, and every way a node without a trusted certificate, or
 * without TLS at all, is refused while the node keeps serving its good peer. Key material
 * is built in-process ({@link TestPki}).
 */
class TlsTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static TestPki pki;

	private static TestPki.Identity nodeA;

	private static TestPki.Identity nodeB;

	private static TestPki.Identity intruder;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private final Logger leakLogger = (Logger) LoggerFactory.getLogger("io.netty.util.ResourceLeakDetector");

	private final ListAppender<ILoggingEvent> leakLog = new ListAppender<>();

	@BeforeAll
	static void createKeyMaterial() throws Exception {
		pki = TestPki.create("syncsocket test CA");
		nodeA = pki.issue("node-a");
		nodeB = pki.issue("node-b");
		intruder = TestPki.selfSigned("intruder");
	}

	@BeforeEach
	void captureLeakReports() {
		this.leakLog.start();
		this.leakLogger.addAppender(this.leakLog);
	}

	@AfterEach
	void closeEverything() throws Exception {
		List<AutoCloseable> reversed = new ArrayList<>(this.closeables);
		Collections.reverse(reversed);
		for (AutoCloseable closeable : reversed) {
			closeable.close();
		}
		this.leakLogger.detachAppender(this.leakLog);
		assertThat(this.leakLog.list).as("Netty leak reports")
			.noneMatch((event) -> event.getFormattedMessage().contains("LEAK"));
	}

	// ---------------------------------------------------------------- options

	@Test
	void sslProtocolIdShouldMatchTheSpec() {
		assertThat(new Protocol("sync1", Protocol.SSL).id()).isEqualTo("ANBM6pF8DhyLoKw2PEj8wwg9WbmxbYvmZt4d9ca3nJ7B");
		assertThat(new Protocol("sync0", Protocol.SSL).id()).isEqualTo("7qFw1UQ78q7eYXywthDXiUKdMXdUirNRcC7gg26yv1qu");
		SyncSocket socket = sync(null);
		assertThat(socket.protocol()).isEqualTo(new Protocol("sync1", "SSL"));
		assertThat(socket.protocolId()).isEqualTo("ANBM6pF8DhyLoKw2PEj8wwg9WbmxbYvmZt4d9ca3nJ7B");
	}

	@Test
	void unknownEncryptionShouldBeRejectedNamingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Protocol("sync", "TLS"))
			.withMessageContaining("encryption: 'TLS'")
			.withMessageContaining("'Plaintext' or 'SSL'");
		assertThatIllegalArgumentException().isThrownBy(() -> new Protocol("sync", "ssl"));
	}

	@Test
	void tlsOptionsWithPlaintextEncryptionShouldFailToBuild() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MeshOptions.builder().protocol(Protocol.of("mesh")).tls(TlsOptions.compatible()).build())
			.withMessageContaining("tls")
			.withMessageContaining("encryption 'SSL'");
	}

	@Test
	void sslEncryptionWithoutTlsOptionsShouldBeCompatibleAndPlaintextShouldHaveNone() {
		assertThat(MeshOptions.builder().protocol(new Protocol("mesh", Protocol.SSL)).build().tls())
			.isSameAs(TlsOptions.compatible());
		assertThat(MeshOptions.defaults().tls()).isNull();
		assertThat(TlsOptions.compatible().mode()).isEqualTo(TlsOptions.Mode.COMPATIBLE);
		assertThat(TlsOptions.compatible().keyManagerFactory()).isNull();
	}

	@Test
	void verifiedModeShouldRequireKeyAndTrustMaterial() throws Exception {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TlsOptions.verified(nodeA.keyManagerFactory(), pki.trustManagerFactory())
				.trustManagerFactory(null)
				.build())
			.withMessageContaining("trustManagerFactory");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TlsOptions.verified(nodeA.keyManagerFactory(), pki.trustManagerFactory())
				.keyManagerFactory(null)
				.build())
			.withMessageContaining("keyManagerFactory");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TlsOptions.compatibleBuilder().trustManagerFactory(pki.trustManagerFactory()).build())
			.withMessageContaining("COMPATIBLE");
	}

	@Test
	void unusableKeyMaterialShouldFailStartWithoutLeakingThreads() throws Exception {
		javax.net.ssl.KeyManagerFactory uninitialised = javax.net.ssl.KeyManagerFactory
			.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
		SyncSocket socket = new SyncSocket(
				options(TlsOptions.verified(uninitialised, pki.trustManagerFactory()).build()));
		this.closeables.add(socket);
		assertThatThrownBy(socket::start).isInstanceOf(SyncSocketException.class).hasMessageContaining("TLS");
		assertThat(socket.state()).isEqualTo(MeshSocket.State.CLOSED);
	}

	// ---------------------------------------------------------------- verified (mutual
	// TLS)

	@Test
	void verifiedNodesShouldReplicateBothWays() throws Exception {
		SyncSocket a = sync(verified(nodeA));
		SyncSocket b = sync(verified(nodeB));
		link(b, a);
		a.set("from-a", "over TLS");
		b.set("from-b", 42);
		await().atMost(WAIT)
			.until(() -> "over TLS".equals(b.get("from-a")) && Long.valueOf(42).equals(a.get("from-b")));
		assertThat(a.stats().linkErrors()).isZero();
		assertThat(b.stats().linkErrors()).isZero();
	}

	@Test
	void peerClosingItsTlsLinkShouldNotCountAFault() throws Exception {
		SyncSocket a = sync(verified(nodeA));
		SyncSocket b = sync(verified(nodeB));
		SyncSocket c = sync(verified(nodeB));
		link(b, a);
		link(a, c);
		b.close();
		c.close();
		await().atMost(WAIT).until(() -> a.peers().isEmpty());
		assertThat(a.stats().faults()).as("faults after peers closed")
			.allSatisfy((fault, count) -> assertThat(count).isZero());
	}

	@Test
	void nodeWithAnUntrustedCertificateShouldBeRefusedWhileTheNodeKeepsServing() throws Exception {
		SyncSocket a = sync(verified(nodeA));
		SyncSocket b = sync(verified(nodeB));
		link(b, a);
		// trusts the CA (so it would accept a's certificate) but presents a self-signed
		// one
		SyncSocket c = sync(verified(intruder));
		assertThatThrownBy(() -> c.connect("127.0.0.1", a.boundAddress().getPort()))
			.isInstanceOf(SyncSocketException.class);
		await().atMost(WAIT).until(() -> a.stats().faults(LinkFault.TLS_HANDSHAKE_FAILED) == 1);
		assertThat(a.peers()).extracting(Peer::id).containsExactly(b.id());
		assertThat(c.peers()).isEmpty();
		a.set("still", "serving");
		await().atMost(WAIT).until(() -> "serving".equals(b.get("still")));
		assertThat(c.get("still")).isNull();
		assertThat(a.stats().linkErrors()).isEqualTo(1);
	}

	@Test
	void dialerShouldRefuseANodeWithAnUntrustedCertificate() throws Exception {
		SyncSocket c = sync(verified(intruder));
		SyncSocket b = sync(verified(nodeB));
		assertThatThrownBy(() -> b.connect("127.0.0.1", c.boundAddress().getPort()))
			.isInstanceOf(SyncSocketException.class)
			.hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class);
		// the connect future fails on the I/O thread; the fault is counted on the node
		// loop
		await().atMost(WAIT).until(() -> b.stats().faults(LinkFault.TLS_HANDSHAKE_FAILED) == 1);
		await().atMost(WAIT).until(() -> c.stats().faults(LinkFault.TLS_HANDSHAKE_FAILED) == 1);
		assertThat(b.peers()).isEmpty();
		assertThat(c.peers()).isEmpty();
	}

	@Test
	void compatibleNodeShouldNotJoinAVerifiedNodeInEitherDirection() throws Exception {
		SyncSocket verified = sync(verified(nodeA));
		SyncSocket compatible = sync(null);
		assertThatThrownBy(() -> compatible.connect("127.0.0.1", verified.boundAddress().getPort()))
			.isInstanceOf(SyncSocketException.class);
		assertThatThrownBy(() -> verified.connect("127.0.0.1", compatible.boundAddress().getPort()))
			.isInstanceOf(SyncSocketException.class);
		await().atMost(WAIT).until(() -> verified.stats().faults(LinkFault.TLS_HANDSHAKE_FAILED) == 2);
		assertThat(verified.peers()).isEmpty();
		assertThat(compatible.peers()).isEmpty();
	}

	// ---------------------------------------------------------------- compatible
	// (js2p-like)

	@Test
	void compatibleNodesShouldConnectWithoutAnyKeyMaterial() {
		SyncSocket a = sync(null);
		SyncSocket b = sync(TlsOptions.compatible());
		link(b, a);
		a.set("k", "v");
		await().atMost(WAIT).until(() -> "v".equals(b.get("k")));
		assertThat(a.stats().linkErrors()).isZero();
	}

	@Test
	void compatibleNodeMayPresentAFixedCertificate() throws Exception {
		SyncSocket a = sync(TlsOptions.compatibleBuilder()
			.keyManagerFactory(nodeA.keyManagerFactory())
			.protocols(List.of("TLSv1.3"))
			.build());
		SyncSocket b = sync(null);
		link(b, a);
		assertThat(a.peers()).extracting(Peer::id).containsExactly(b.id());
	}

	// ---------------------------------------------------------------- no TLS on one side

	@Test
	void plaintextNodeDialingATlsPortShouldBeRefusedWithoutHarmingTheNode() throws Exception {
		SyncSocket a = sync(verified(nodeA));
		SyncSocket b = sync(verified(nodeB));
		link(b, a);
		MeshSocket plain = new MeshSocket(MeshOptions.builder().maxOutgoing(0).build());
		this.closeables.add(plain);
		plain.start();
		assertThatThrownBy(() -> plain.connect("127.0.0.1", a.boundAddress().getPort()))
			.isInstanceOf(SyncSocketException.class);
		await().atMost(WAIT).until(() -> a.stats().faults(LinkFault.TLS_HANDSHAKE_FAILED) == 1);
		assertThat(a.peers()).extracting(Peer::id).containsExactly(b.id());
		b.set("after", "plaintext");
		await().atMost(WAIT).until(() -> "plaintext".equals(a.get("after")));
	}

	@Test
	void rawFrameToATlsPortShouldCloseThatConnection() throws Exception {
		SyncSocket a = sync(null);
		try (Socket raw = new Socket("127.0.0.1", a.boundAddress().getPort())) {
			raw.setSoTimeout((int) WAIT.toMillis());
			OutputStream out = raw.getOutputStream();
			// a 40-byte frame header and body: not a TLS record
			out.write(new byte[] { 0, 0, 0, 40 });
			out.write(new byte[40]);
			out.flush();
			InputStream in = raw.getInputStream();
			assertThat(readUntilClosed(in)).as("the node closes the connection").isTrue();
		}
		await().atMost(WAIT).until(() -> a.stats().faults(LinkFault.TLS_HANDSHAKE_FAILED) == 1);
		SyncSocket b = sync(null);
		link(b, a);
		assertThat(a.peers()).extracting(Peer::id).containsExactly(b.id());
	}

	@Test
	void tlsNodeDialingAPlaintextPortShouldFailAndLeaveThatNodeUnharmed() {
		SyncSocket plain = new SyncSocket(SyncOptions.builder().mesh((mesh) -> mesh.maxOutgoing(0)).build());
		this.closeables.add(plain);
		plain.start();
		SyncSocket tls = sync(null);
		assertThatThrownBy(() -> tls.connect("127.0.0.1", plain.boundAddress().getPort()))
			.isInstanceOf(SyncSocketException.class);
		// the ClientHello's first four bytes read as a length far above the frame limit
		await().atMost(WAIT).until(() -> plain.stats().faults(LinkFault.FRAME_TOO_LARGE) == 1);
		assertThat(plain.peers()).isEmpty();
		SyncSocket other = new SyncSocket(SyncOptions.builder().mesh((mesh) -> mesh.maxOutgoing(0)).build());
		this.closeables.add(other);
		other.start();
		link(other, plain);
	}

	// ---------------------------------------------------------------- helpers

	private static TlsOptions verified(TestPki.Identity identity) throws Exception {
		return TlsOptions.verified(identity.keyManagerFactory(), pki.trustManagerFactory()).build();
	}

	private static SyncOptions options(TlsOptions tls) {
		return SyncOptions.builder()
			.mesh((mesh) -> mesh.protocol(new Protocol(SyncOptions.DEFAULT_SUBNET, Protocol.SSL))
				.tls(tls)
				.maxOutgoing(0)
				.timeouts((timeouts) -> timeouts.handshake(WAIT)))
			.build();
	}

	/** A started TLS node; {@code tls} null for the default (compatible). */
	private SyncSocket sync(TlsOptions tls) {
		SyncSocket socket = new SyncSocket(options(tls));
		this.closeables.add(socket);
		return socket.start();
	}

	/**
	 * Reads until EOF or a reset; false if the connection stayed open for the read
	 * timeout.
	 */
	private static boolean readUntilClosed(InputStream in) throws Exception {
		byte[] buffer = new byte[4096];
		try {
			while (true) {
				if (in.read(buffer) < 0) {
					return true;
				}
			}
		}
		catch (java.net.SocketTimeoutException ex) {
			return false;
		}
		catch (SocketException ex) {
			return true; // reset
		}
	}

}
