package io.syncsocket.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.syncsocket.Leasing;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Seeds given as one name with several addresses (a Kubernetes headless service, a DNS
 * round robin): every node is in its own JVM ({@link FaultNode}), bound to its own
 * loopback address on one shared port, and resolves the name through its own hosts file
 * ({@code -Djdk.net.hosts.file}, read once per JVM), which lists that node's address
 * first. The hosts file is re-read on every look-up because the children run without an
 * address cache.
 */
@Tag("slow")
class SeedResolutionTests {

	private static final String SEED_NAME = "seeds.syncsocket.test";

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final List<FaultNode> nodes = new ArrayList<>();

	@TempDir
	Path hostsFiles;

	@AfterEach
	void close() {
		for (FaultNode node : this.nodes) {
			node.close();
		}
	}

	@Test
	void nodesSeededWithOneNameOfSeveralAddressesShouldAllConnect() {
		int port = freePort("127.0.0.2");
		List<String> addresses = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4");
		List<FaultNode> started = new ArrayList<>();
		for (String own : addresses) {
			// this node's own address first: the first record used to make the seed "this
			// node" for good
			List<String> records = new ArrayList<>(addresses);
			records.remove(own);
			records.add(0, own);
			Path hosts = this.hostsFiles.resolve("hosts-" + own);
			writeHosts(hosts, records);
			started.add(launch("dns-" + own, own, port, hosts));
		}
		started.forEach(FaultNode::awaitReady);
		await().atMost(WAIT).untilAsserted(() -> {
			for (FaultNode node : started) {
				List<String> others = started.stream().filter((other) -> other != node).map(FaultNode::id).toList();
				assertThat(node.peerIds()).as("peers of %s", node).containsExactlyInAnyOrderElementsOf(others);
			}
		});
	}

	@Test
	void seedNameResolvingToThisNodeOnlyShouldDialAddressesAddedLater() {
		int port = freePort("127.0.0.2");
		Path hosts = this.hostsFiles.resolve("hosts");
		writeHosts(hosts, List.of("127.0.0.2"));
		FaultNode seeded = launch("dns-seeded", "127.0.0.2", port, hosts).awaitReady();
		// not among the records yet, and dialing nobody itself
		FaultNode joining = launch("dns-joining", "127.0.0.3", port, null).awaitReady();
		assertThat(seeded.peerIds()).isEmpty();
		// a new pod behind the name: found by a later look-up, although the name's only
		// record was this node
		writeHosts(hosts, List.of("127.0.0.2", "127.0.0.3"));
		await().atMost(WAIT).untilAsserted(() -> assertThat(seeded.peerIds()).containsExactly(joining.id()));
		// a replaced pod: the old address is gone, the new one is dialed
		FaultNode replacement = launch("dns-replacement", "127.0.0.4", port, null).awaitReady();
		writeHosts(hosts, List.of("127.0.0.4", "127.0.0.2"));
		joining.kill();
		await().atMost(WAIT).untilAsserted(() -> assertThat(seeded.peerIds()).containsExactly(replacement.id()));
	}

	/**
	 * A node bound to {@code address} on {@code port}, seeded with {@link #SEED_NAME}
	 * resolved through {@code hosts} (no seed if null).
	 */
	private FaultNode launch(String name, String address, int port, @Nullable Path hosts) {
		List<String> args = new ArrayList<>(List.of("--bind", address));
		List<String> jvmArgs = new ArrayList<>();
		if (hosts != null) {
			args.addAll(List.of("--seed", SEED_NAME + ":" + port));
			jvmArgs.addAll(List.of("-Djdk.net.hosts.file=" + hosts.toAbsolutePath(),
					// no address cache: every look-up reads the hosts file as it is now
					"-Dsun.net.inetaddr.ttl=0", "-Dsun.net.inetaddr.negative.ttl=0"));
		}
		FaultNode node = FaultNode.launch(new FaultNode.Spec(name, port, Leasing.OFF, List.of(), null, args, jvmArgs));
		this.nodes.add(node);
		return node;
	}

	/** Rewrites a hosts file at once (a look-up never reads half of it). */
	private static void writeHosts(Path hosts, List<String> records) {
		StringBuilder text = new StringBuilder("127.0.0.1 localhost\n");
		for (String record : records) {
			text.append(record).append(' ').append(SEED_NAME).append('\n');
		}
		try {
			Path next = hosts.resolveSibling(hosts.getFileName() + ".next");
			Files.writeString(next, text, StandardCharsets.UTF_8);
			Files.move(next, hosts, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A port free a moment ago on {@code address} (each node binds it on its own
	 * address).
	 */
	private static int freePort(String address) {
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(address))) {
			return probe.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
