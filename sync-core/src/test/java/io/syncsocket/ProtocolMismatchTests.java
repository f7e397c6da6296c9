package io.syncsocket;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link ProtocolMismatch}: a peer's different protocol id explained by the setting that
 * differs, and the message a failed {@code connect} carries.
 */
class ProtocolMismatchTests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	private static final Protocol SYNC = Protocol.of("sync");

	private static ProtocolMismatch syncNode(Leasing leasing, Protocol base) {
		return new ProtocolMismatch(base, base.withSubnetSuffix(leasing.subnetSuffix()));
	}

	@Test
	void otherLeasingShouldBeNamed() {
		String theirs = SYNC.withSubnetSuffix("0").id();
		assertThat(syncNode(Leasing.ON, SYNC).apply(theirs))
			.isEqualTo("the peer runs with leasing off (js2p leasing=false) (subnet suffix 0) where this node runs "
					+ "with leasing on or js2p-default: set the same leasing on every node");
		assertThat(syncNode(Leasing.OFF, SYNC).apply(SYNC.withSubnetSuffix("1").id()))
			.startsWith("the peer runs with leasing on or js2p-default (subnet suffix 1)");
	}

	@Test
	void otherEncryptionShouldBeNamed() {
		Protocol ssl = new Protocol("sync", Protocol.SSL);
		assertThat(syncNode(Leasing.ON, SYNC).apply(ssl.withSubnetSuffix("1").id()))
			.isEqualTo("the peer uses encryption SSL where this node uses Plaintext: "
					+ "set the same protocol encryption on every node");
		assertThat(syncNode(Leasing.ON, SYNC).apply(ssl.withSubnetSuffix("0").id()))
			.startsWith("the peer runs with leasing off")
			.endsWith("; and it uses encryption SSL where this node uses Plaintext (protocol encryption)");
	}

	@Test
	void meshAndSyncNodesShouldBeToldApart() {
		assertThat(syncNode(Leasing.ON, SYNC).apply(SYNC.id()))
			.isEqualTo("the peer is a plain mesh node on subnet 'sync' without the sync layer's leasing suffix, "
					+ "and this node is a SyncSocket");
		assertThat(new ProtocolMismatch(SYNC, SYNC).apply(SYNC.withSubnetSuffix("1").id())).isEqualTo(
				"the peer is a SyncSocket on subnet 'sync' (leasing suffix 1), and this node is a plain mesh node");
	}

	@Test
	void unknownVariantShouldSayWhatThisNodeUses() {
		assertThat(syncNode(Leasing.ON, SYNC).apply(Protocol.of("other").id()))
			.isEqualTo("not a known variant of this node's protocol (subnet 'sync1', Plaintext): the peer's subnet "
					+ "differs, or its leasing and encryption both do");
	}

	@Test
	void connectBetweenNodesWithDifferentLeasingShouldSaySo() {
		SyncSocket on = this.resources.add(new SyncSocket(SyncOptions.builder().leasing(Leasing.ON).build())).start();
		SyncSocket off = this.resources.add(new SyncSocket(SyncOptions.builder().leasing(Leasing.OFF).build())).start();
		// repeated: either side may see the other's handshake first (CI found a schedule
		// where the acceptor closed before its own handshake had gone out)
		for (int i = 0; i < 30; i++) {
			assertThatExceptionOfType(SyncSocketException.class)
				.isThrownBy(() -> on.connect("127.0.0.1", off.boundAddress().getPort()))
				.withMessageContaining("PROTOCOL_MISMATCH")
				.withMessageContaining("the peer runs with leasing off");
		}
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> off.stats().faults(LinkFault.PROTOCOL_MISMATCH) == 30);
	}

}
