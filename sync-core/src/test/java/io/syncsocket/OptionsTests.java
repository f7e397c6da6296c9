package io.syncsocket;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * The options' defaults come from their {@code DEFAULT_*} constants (the one source the
 * docs and the starter's metadata are checked against), the option groups survive
 * {@code mutate()} and validate with the option's name, and {@code toString()} shows
 * every option, the groups' included.
 */
class OptionsTests {

	@Test
	void meshDefaultsShouldBeTheConstants() {
		MeshOptions options = MeshOptions.defaults();
		assertThat(options.bindAddress()).isEqualTo(MeshOptions.DEFAULT_BIND_ADDRESS);
		assertThat(options.port()).isEqualTo(MeshOptions.DEFAULT_PORT);
		assertThat(options.protocol()).isEqualTo(Protocol.of(MeshOptions.DEFAULT_SUBNET));
		assertThat(options.maxOutgoing()).isEqualTo(MeshOptions.DEFAULT_MAX_OUTGOING);
		MeshLimits limits = options.limits();
		assertThat(limits.maxFrameLength()).isEqualTo(MeshLimits.DEFAULT_MAX_FRAME_LENGTH);
		assertThat(limits.maxInboundLinks()).isEqualTo(MeshLimits.DEFAULT_MAX_INBOUND_LINKS);
		assertThat(limits.maxLinksPerAddress()).isEqualTo(MeshLimits.DEFAULT_MAX_LINKS_PER_ADDRESS);
		assertThat(limits.maxQueuedBytesPerLink()).isEqualTo(MeshLimits.DEFAULT_MAX_QUEUED_BYTES_PER_LINK);
		assertThat(limits.maxSeenMessages()).isEqualTo(MeshLimits.DEFAULT_MAX_SEEN_MESSAGES);
		assertThat(limits.userQueueCapacity()).isEqualTo(MeshLimits.DEFAULT_USER_QUEUE_CAPACITY);
		MeshTimeouts timeouts = options.timeouts();
		assertThat(timeouts.handshake()).isEqualTo(MeshTimeouts.DEFAULT_HANDSHAKE);
		assertThat(timeouts.stall()).isEqualTo(MeshTimeouts.DEFAULT_STALL);
		assertThat(timeouts.connect()).isEqualTo(MeshTimeouts.DEFAULT_CONNECT);
		assertThat(timeouts.peerRequestDelay()).isEqualTo(MeshTimeouts.DEFAULT_PEER_REQUEST_DELAY);
		assertThat(timeouts.operation()).isEqualTo(MeshTimeouts.DEFAULT_OPERATION);
		MeshThreads threads = options.threads();
		assertThat(threads.ioThreads())
			.isEqualTo(Math.min(MeshThreads.DEFAULT_MAX_IO_THREADS, Runtime.getRuntime().availableProcessors()));
		assertThat(threads.nativeTransport()).isEqualTo(MeshThreads.DEFAULT_NATIVE_TRANSPORT);
		assertThat(threads.eventLoopGroup()).isNull();
		assertThat(threads.listenerExecutor()).isNull();
		assertThat(options.seeding().provider()).isNull();
		assertThat(options.seeding().retryInitial()).isEqualTo(MeshSeeding.DEFAULT_RETRY_INITIAL);
		assertThat(options.seeding().retryMax()).isEqualTo(MeshSeeding.DEFAULT_RETRY_MAX);
		assertThat(options.compression().methods()).isEqualTo(MeshCompression.DEFAULT_METHODS);
		assertThat(options.compression().threshold()).isEqualTo(MeshCompression.DEFAULT_THRESHOLD);
	}

	@Test
	void groupsShouldKeepTheirValuesThroughMutate() {
		MeshOptions options = MeshOptions.builder()
			.limits((limits) -> limits.maxFrameLength(2048).maxSeenMessages(5000))
			.timeouts((timeouts) -> timeouts.handshake(Duration.ofSeconds(3)))
			.threads((threads) -> threads.ioThreads(1))
			.seeding((seeding) -> seeding.retry(Duration.ofMillis(10), Duration.ofMillis(20)))
			.compression(MeshCompression.none())
			.build();
		MeshOptions changed = options.mutate()
			.port(4242)
			.timeouts((timeouts) -> timeouts.stall(Duration.ofSeconds(4)))
			.build();
		assertThat(changed.limits().maxFrameLength()).isEqualTo(2048);
		assertThat(changed.limits().maxSeenMessages()).isEqualTo(5000);
		assertThat(changed.timeouts().handshake()).isEqualTo(Duration.ofSeconds(3));
		assertThat(changed.timeouts().stall()).isEqualTo(Duration.ofSeconds(4));
		assertThat(changed.threads().ioThreads()).isEqualTo(1);
		assertThat(changed.seeding().retryMax()).isEqualTo(Duration.ofMillis(20));
		assertThat(changed.compression().methods()).isEmpty();
		assertThat(options.timeouts().stall()).isEqualTo(MeshTimeouts.DEFAULT_STALL);
	}

	@Test
	void groupSettersShouldValidateWithTheOptionsName() {
		assertThatIllegalArgumentException().isThrownBy(() -> MeshLimits.builder().maxFrameLength(1023))
			.withMessage("maxFrameLength: 1023 (expected: >= 1024)");
		assertThatIllegalArgumentException().isThrownBy(() -> MeshTimeouts.builder().handshake(Duration.ZERO))
			.withMessage("handshake: PT0S (expected: > 0)");
		assertThatIllegalArgumentException().isThrownBy(() -> MeshThreads.builder().ioThreads(0))
			.withMessage("ioThreads: 0 (expected: >= 1)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MeshSeeding.builder().retry(Duration.ofSeconds(2), Duration.ofSeconds(1)))
			.withMessage("retryMax: PT1S (expected: >= retryInitial PT2S)");
		assertThatIllegalArgumentException().isThrownBy(() -> MeshCompression.builder().threshold(-1))
			.withMessage("threshold: -1 (expected: >= 0)");
		assertThatNullPointerException().isThrownBy(() -> MeshOptions.builder().limits((MeshLimits) null))
			.withMessage("'limits' must not be null");
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
			"out=", "retryInitial", "retry=", "retryMax", "retry=");

	@Test
	void toStringShouldShowEveryOption() {
		MeshOptions mesh = MeshOptions.builder()
			.nodeId("node-1")
			.name("named")
			.seeds(List.of(new java.net.InetSocketAddress("127.0.0.1", 4242)))
			.timeouts((timeouts) -> timeouts.handshake(Duration.ofSeconds(7)))
			.build();
		String text = mesh.toString();
		for (Class<?> type : List.of(MeshOptions.class, MeshLimits.class, MeshTimeouts.class, MeshThreads.class,
				MeshSeeding.class, MeshCompression.class)) {
			for (Field field : type.getDeclaredFields()) {
				if (!Modifier.isStatic(field.getModifiers())) {
					assertThat(text).as("MeshOptions.toString() for %s.%s", type.getSimpleName(), field.getName())
						.contains(LABELS.getOrDefault(field.getName(), field.getName() + "="));
				}
			}
		}
		assertThat(text).contains("nodeId=node-1", "name=named", "4242", "handshake=PT7S");
		String sync = SyncOptions.builder().mesh(mesh).maxTombstones(12).build().toString();
		for (Field field : SyncOptions.class.getDeclaredFields()) {
			if (!Modifier.isStatic(field.getModifiers()) && !field.getName().equals("mesh")) {
				assertThat(sync).as("SyncOptions.toString()").contains(field.getName() + "=");
			}
		}
		assertThat(sync).contains("maxTombstones=12", "nodeId=node-1", "handshake=PT7S");
	}

}
