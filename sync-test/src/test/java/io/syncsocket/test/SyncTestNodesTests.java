package io.syncsocket.test;

import java.time.Duration;

import io.syncsocket.Leasing;
import io.syncsocket.MeshSocket;
import io.syncsocket.SyncSocket;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** {@link SyncTestNodes} against real nodes over loopback. */
class SyncTestNodesTests {

	@Test
	void joiningNodeShouldHoldTheOtherNodesMapWhenReturned() {
		try (SyncTestNodes nodes = new SyncTestNodes()) {
			SyncSocket application = nodes.start();
			application.set("feature.dark-mode", true);
			SyncSocket peer = nodes.joining(application.boundAddress().getPort());
			assertThat(peer.boundAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
			assertThat(peer.get("feature.dark-mode")).isEqualTo(true);
			peer.set("from-peer", "x");
			nodes.awaitValue(application, "from-peer", "x");
			peer.del("from-peer"); // with leasing on, only its writer may
			nodes.awaitValue(application, "from-peer", null);
		}
	}

	@Test
	void customizerShouldSetTheOptions() {
		try (SyncTestNodes nodes = new SyncTestNodes()) {
			SyncSocket node = nodes.start((options) -> options.leasing(Leasing.OFF));
			assertThat(node.leasing()).isEqualTo(Leasing.OFF);
		}
	}

	@Test
	void aWaitThatDoesNotHappenShouldFailSayingWhat() {
		try (SyncTestNodes nodes = new SyncTestNodes().timeout(Duration.ofMillis(200))) {
			SyncSocket node = nodes.start();
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> nodes.awaitValue(node, "k", "v"))
				.withMessageContaining("Timed out after PT0.2S waiting for k = v at")
				.withMessageContaining("it holds null");
		}
	}

	@Test
	void closeShouldCloseEveryNode() {
		SyncTestNodes nodes = new SyncTestNodes();
		SyncSocket first = nodes.start();
		SyncSocket second = nodes.joining(first.boundAddress().getPort());
		nodes.close();
		assertThat(first.state()).isEqualTo(MeshSocket.State.CLOSED);
		assertThat(second.state()).isEqualTo(MeshSocket.State.CLOSED);
	}

}
