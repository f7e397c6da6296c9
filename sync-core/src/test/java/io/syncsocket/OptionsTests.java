package io.syncsocket;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The options' defaults come from their {@code DEFAULT_*} constants (the one source the
 * docs and the starter's metadata are checked against), and {@code toString()} shows
 * every option.
 */
class OptionsTests {

	@Test
	void meshDefaultsShouldBeTheConstants() {
		MeshOptions options = MeshOptions.defaults();
		assertThat(options.bindAddress()).isEqualTo(MeshOptions.DEFAULT_BIND_ADDRESS);
		assertThat(options.port()).isEqualTo(MeshOptions.DEFAULT_PORT);
		assertThat(options.protocol()).isEqualTo(Protocol.of(MeshOptions.DEFAULT_SUBNET));
		assertThat(options.maxFrameLength()).isEqualTo(MeshOptions.DEFAULT_MAX_FRAME_LENGTH);
		assertThat(options.maxOutgoing()).isEqualTo(MeshOptions.DEFAULT_MAX_OUTGOING);
		assertThat(options.handshakeTimeout()).isEqualTo(MeshOptions.DEFAULT_HANDSHAKE_TIMEOUT);
		assertThat(options.stallTimeout()).isEqualTo(MeshOptions.DEFAULT_STALL_TIMEOUT);
		assertThat(options.connectTimeout()).isEqualTo(MeshOptions.DEFAULT_CONNECT_TIMEOUT);
		assertThat(options.peerRequestDelay()).isEqualTo(MeshOptions.DEFAULT_PEER_REQUEST_DELAY);
		assertThat(options.operationTimeout()).isEqualTo(MeshOptions.DEFAULT_OPERATION_TIMEOUT);
		assertThat(options.userQueueCapacity()).isEqualTo(MeshOptions.DEFAULT_USER_QUEUE_CAPACITY);
		assertThat(options.ioThreads())
			.isEqualTo(Math.min(MeshOptions.DEFAULT_MAX_IO_THREADS, Runtime.getRuntime().availableProcessors()));
		assertThat(options.nativeTransport()).isEqualTo(MeshOptions.DEFAULT_NATIVE_TRANSPORT);
		assertThat(options.maxSeenMessages()).isEqualTo(MeshOptions.DEFAULT_MAX_SEEN_MESSAGES);
		assertThat(options.maxQueuedBytesPerLink()).isEqualTo(MeshOptions.DEFAULT_MAX_QUEUED_BYTES_PER_LINK);
		assertThat(options.maxLinksPerAddress()).isEqualTo(MeshOptions.DEFAULT_MAX_LINKS_PER_ADDRESS);
		assertThat(options.maxInboundLinks()).isEqualTo(MeshOptions.DEFAULT_MAX_INBOUND_LINKS);
		assertThat(options.compression()).isEqualTo(MeshOptions.DEFAULT_COMPRESSION);
		assertThat(options.compressionThreshold()).isEqualTo(MeshOptions.DEFAULT_COMPRESSION_THRESHOLD);
		assertThat(options.seedRetryInitial()).isEqualTo(MeshOptions.DEFAULT_SEED_RETRY_INITIAL);
		assertThat(options.seedRetryMax()).isEqualTo(MeshOptions.DEFAULT_SEED_RETRY_MAX);
	}

	@Test
	void syncDefaultsShouldBeTheConstants() {
		SyncOptions options = SyncOptions.defaults();
		assertThat(options.mesh().protocol().subnet()).startsWith(SyncOptions.DEFAULT_SUBNET);
		assertThat(options.leasing()).isEqualTo(SyncOptions.DEFAULT_LEASING);
		assertThat(options.deletePolicy()).isEqualTo(SyncOptions.DEFAULT_DELETE_POLICY);
		assertThat(options.tombstoneRetention()).isEqualTo(SyncOptions.DEFAULT_TOMBSTONE_RETENTION);
		assertThat(options.maxTombstones()).isEqualTo(SyncOptions.DEFAULT_MAX_TOMBSTONES);
		assertThat(options.antiEntropyInterval()).isEqualTo(SyncOptions.DEFAULT_ANTI_ENTROPY_INTERVAL);
	}

	/**
	 * Each field of the options, by the label {@code toString()} gives it where that
	 * differs from its name.
	 */
	private static final Map<String, String> LABELS = Map.of("bindAddress", "bind=", "outHost", "out=", "outPort",
			"out=", "seedRetryInitial", "seedRetry=", "seedRetryMax", "seedRetry=");

	@Test
	void toStringShouldShowEveryOption() {
		MeshOptions mesh = MeshOptions.builder()
			.nodeId("node-1")
			.name("named")
			.seeds(List.of(new java.net.InetSocketAddress("127.0.0.1", 4242)))
			.handshakeTimeout(Duration.ofSeconds(7))
			.build();
		String text = mesh.toString();
		for (Field field : MeshOptions.class.getDeclaredFields()) {
			if (!Modifier.isStatic(field.getModifiers())) {
				assertThat(text).as("MeshOptions.toString()")
					.contains(LABELS.getOrDefault(field.getName(), field.getName() + "="));
			}
		}
		assertThat(text).contains("nodeId=node-1", "name=named", "4242", "handshakeTimeout=PT7S");
		String sync = SyncOptions.builder().mesh(mesh).maxTombstones(12).build().toString();
		for (Field field : SyncOptions.class.getDeclaredFields()) {
			if (!Modifier.isStatic(field.getModifiers()) && !field.getName().equals("mesh")) {
				assertThat(sync).as("SyncOptions.toString()").contains(field.getName() + "=");
			}
		}
		assertThat(sync).contains("maxTombstones=12", "nodeId=node-1");
	}

}
