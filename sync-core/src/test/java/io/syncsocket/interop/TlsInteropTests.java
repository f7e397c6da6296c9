package io.syncsocket.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncsocket.Leasing;
import io.syncsocket.LinkFault;
import io.syncsocket.Peer;
import io.syncsocket.Protocol;
import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import io.syncsocket.SyncSocketException;
import io.syncsocket.TestPki;
import io.syncsocket.TlsOptions;
import io.syncsocket.interop.Js2pNode.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.syncsocket.interop.Js2pNode.HOST;
import static io.syncsocket.interop.Js2pNode.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A Java node in compatible TLS mode against a real js2p 0.7.870 SyncSocket with
 * encryption {@code SSL} (PROTOCOL.md §1, §3.2): js2p serves a self-signed RSA
 * certificate made with node-forge and dials with {@code rejectUnauthorized: false},
 * which is exactly what {@link TlsOptions#compatible()} does, so the two interoperate in
 * both directions. A verified (mutual TLS) Java node refuses js2p both ways: js2p
 * presents no client certificate and a self-signed server certificate.
 */
@Tag("slow")
class TlsInteropTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final List<AutoCloseable> resources = new ArrayList<>();

	@BeforeEach
	void assumeJs2p() {
		Js2pNode.assumeAvailable();
	}

	@AfterEach
	void closeEverything() throws Exception {
		List<AutoCloseable> reversed = new ArrayList<>(this.resources);
		Collections.reverse(reversed);
		for (AutoCloseable resource : reversed) {
			resource.close();
		}
	}

	@Test
	void javaCompatibleShouldDialJs2pSslAndSyncBothWays() {
		Js2pNode js2p = startJs2p();
		SyncSocket java = startJava(null);
		assertThat(java.protocolId()).isEqualTo(js2p.protocolId())
			.isEqualTo("ANBM6pF8DhyLoKw2PEj8wwg9WbmxbYvmZt4d9ca3nJ7B");
		Peer peer = java.connect(HOST, js2p.port());
		assertThat(peer.id()).isEqualTo(js2p.id());
		awaitJs2pPeer(js2p, java.id());
		assertReplicatesBothWays(java, js2p);
	}

	@Test
	void js2pSslShouldDialJavaCompatibleAndSyncBothWays() {
		SyncSocket java = startJava(null);
		Js2pNode js2p = startJs2p();
		js2p.connect(HOST, java.boundAddress().getPort());
		await().atMost(TIMEOUT).until(() -> java.peers().stream().anyMatch((peer) -> peer.id().equals(js2p.id())));
		awaitJs2pPeer(js2p, java.id());
		assertReplicatesBothWays(java, js2p);
	}

	@Test
	void verifiedJavaNodeShouldRefuseJs2pSslInBothDirections() throws Exception {
		TestPki pki = TestPki.create("syncsocket test CA");
		SyncSocket java = startJava(
				TlsOptions.verified(pki.issue("node").keyManagerFactory(), pki.trustManagerFactory()).build());
		Js2pNode js2p = startJs2p();
		assertThatThrownBy(() -> java.connect(HOST, js2p.port())).isInstanceOf(SyncSocketException.class);
		js2p.connect(HOST, java.boundAddress().getPort());
		await().atMost(TIMEOUT).until(() -> java.stats().faults(LinkFault.TLS_HANDSHAKE_FAILED) == 2);
		assertThat(java.peers()).isEmpty();
		assertThat(js2p.peers()).noneMatch((entry) -> java.id().equals(entry.path("id").asText()));
	}

	private void assertReplicatesBothWays(SyncSocket java, Js2pNode js2p) {
		java.set("from-java", "over TLS");
		await().atMost(TIMEOUT).until(() -> str("over TLS").equals(js2p.get("from-java")));
		js2p.set("from-js2p", str("over TLS too"));
		await().atMost(TIMEOUT).until(() -> "over TLS too".equals(java.get("from-js2p")));
		assertThat(java.stats().linkErrors()).as("Java link errors: %s", java.stats().faults()).isZero();
		assertThat(js2p.status().path("exceptions")).as("%s exceptions", js2p).isEmpty();
		assertThat(js2p.events()).noneMatch(Js2pNode.isEvent("link_error").or(Js2pNode.isEvent("error")));
	}

	private Js2pNode startJs2p() {
		Js2pNode node = Js2pNode.start(Options.sync().withEncryption(Protocol.SSL));
		this.resources.add(node);
		return node;
	}

	/**
	 * A Java node that speaks js2p's default leasing (suffix 1, not enforced) over TLS;
	 * null tls: compatible.
	 */
	private SyncSocket startJava(TlsOptions tls) {
		SyncSocket socket = new SyncSocket(SyncOptions.builder()
			.leasing(Leasing.JS2P_DEFAULT)
			.mesh((mesh) -> mesh.protocol(new Protocol(SyncOptions.DEFAULT_SUBNET, Protocol.SSL))
				.tls(tls)
				.maxOutgoing(0))
			.build());
		this.resources.add(socket);
		return socket.start();
	}

	private static void awaitJs2pPeer(Js2pNode js2p, String id) {
		await().atMost(TIMEOUT).until(() -> {
			for (JsonNode entry : js2p.peers()) {
				if (id.equals(entry.path("id").asText()) && entry.hasNonNull("port")) {
					return true;
				}
			}
			return false;
		});
	}

}
