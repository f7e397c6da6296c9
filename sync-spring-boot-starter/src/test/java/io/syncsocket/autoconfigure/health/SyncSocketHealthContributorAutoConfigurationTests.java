package io.syncsocket.autoconfigure.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import io.syncsocket.autoconfigure.SyncSocketAutoConfiguration;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SyncSocketHealthContributorAutoConfiguration} and
 * {@link SyncSocketHealthIndicator}.
 */
class SyncSocketHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncSocketAutoConfiguration.class,
				SyncSocketHealthContributorAutoConfiguration.class))
		.withPropertyValues("sync.port=0");

	@Test
	void singleSocketShouldBeUpWithDetails() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(HealthContributor.class).hasBean("syncHealthContributor");
			SyncSocket socket = context.getBean(SyncSocket.class);
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			Map<String, Object> details = health.getDetails();
			assertThat(details).containsKeys("nodeId", "boundAddress", "advertisedAddress", "protocolId", "leasing",
					"peerCount", "peers", "keys", "initialSyncComplete", "rejectedHandshakes", "linkErrors");
			String address = "127.0.0.1:" + socket.boundAddress().getPort();
			assertThat(details).containsEntry("state", "RUNNING")
				.containsEntry("nodeId", socket.id())
				.containsEntry("boundAddress", address)
				.containsEntry("advertisedAddress", address)
				.containsEntry("protocolId", socket.protocolId())
				.containsEntry("subnet", "sync1")
				.containsEntry("leasing", "ON")
				.containsEntry("peerCount", 0)
				.containsEntry("peers", List.of())
				.containsEntry("keys", 0)
				.containsEntry("initialSyncComplete", false)
				.containsEntry("rejectedHandshakes", 0L)
				.containsEntry("linkErrors", 0L);
			socket.set("k", "v");
			assertThat(health(context).getDetails()).containsEntry("keys", 1);
		});
	}

	@Test
	void healthShouldShowTroubleOnLinks() {
		this.contextRunner.run((context) -> {
			SyncSocket socket = context.getBean(SyncSocket.class);
			// a peer that sends a frame whose checksum is wrong: the node closes that
			// link
			try (java.net.Socket peer = new java.net.Socket("127.0.0.1", socket.boundAddress().getPort())) {
				byte[] frame = new byte[4 + 40];
				frame[3] = 40;
				peer.getOutputStream().write(frame);
				peer.setSoTimeout(10_000);
				java.io.InputStream in = peer.getInputStream();
				while (in.read() != -1) {
					// the node's handshake, then the close
				}
			}
			org.awaitility.Awaitility.await()
				.atMost(java.time.Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(health(context).getDetails()).containsEntry("linkErrors", 1L)
					.containsEntry("faults", Map.of("BAD_CHECKSUM", 1L)));
			assertThat(health(context).getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void aNodeWhoseIdAnotherNodeUsesShouldBeDown() {
		this.contextRunner.withPropertyValues("sync.node-id=shared").run((first) -> {
			SyncSocket firstSocket = first.getBean(SyncSocket.class);
			this.contextRunner
				.withPropertyValues("sync.node-id=shared",
						"sync.seeds=127.0.0.1:" + firstSocket.boundAddress().getPort())
				.run((second) -> {
					await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
						assertThat(health(first).getStatus()).isEqualTo(Status.DOWN);
						assertThat(health(second).getStatus()).isEqualTo(Status.DOWN);
					});
					assertThat(health(second).getDetails())
						.containsEntry("error",
								"another node uses this node's id (see the log): give each instance its own "
										+ "sync.node-id or sync.node-name")
						.containsEntry("peerCount", 0);
				});
		});
	}

	@Test
	void unreachableSeedsShouldReportUnknownByDefault() throws IOException {
		this.contextRunner.withPropertyValues("sync.seeds=127.0.0.1:" + closedPort()).run((context) -> {
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
			assertThat(health.getDetails()).containsEntry("peerCount", 0);
			assertThat(health.getDetails().get("seeds")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(1);
		});
	}

	@Test
	void unreachableSeedsShouldReportTheConfiguredUnconnectedStatus() throws IOException {
		this.contextRunner
			.withPropertyValues("sync.seeds=127.0.0.1:" + closedPort(),
					"management.health.sync.unconnected-status=down")
			.run((context) -> assertThat(health(context).getStatus()).isEqualTo(Status.DOWN));
	}

	@Test
	void seededSocketShouldBeUpOnceConnected() {
		this.contextRunner.run((seed) -> {
			SyncSocket seedSocket = seed.getBean(SyncSocket.class);
			this.contextRunner
				.withPropertyValues("sync.seeds=127.0.0.1:" + seedSocket.boundAddress().getPort(),
						"management.health.sync.unconnected-status=DOWN")
				.run((context) -> await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					Health health = health(context);
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(health.getDetails()).containsEntry("peerCount", 1);
					assertThat(health.getDetails().get("peers")).asInstanceOf(InstanceOfAssertFactories.LIST)
						.singleElement()
						.asInstanceOf(InstanceOfAssertFactories.MAP)
						.containsEntry("id", seedSocket.id())
						.containsEntry("direction", "OUTBOUND")
						.containsEntry("dialect", "SYNCSOCKET");
				}));
		});
	}

	@Test
	void closedSocketShouldBeDown() {
		this.contextRunner.run((context) -> {
			context.getBean(SyncSocket.class).close();
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("state", "CLOSED");
		});
	}

	@Test
	void severalSocketsShouldBeACompositeKeyedBySocketName() {
		this.contextRunner.withPropertyValues("sync.sockets.a.port=0", "sync.sockets.b.port=0").run((context) -> {
			HealthContributor contributor = context.getBean("syncHealthContributor", HealthContributor.class);
			assertThat(contributor).isInstanceOf(CompositeHealthContributor.class);
			CompositeHealthContributor composite = (CompositeHealthContributor) contributor;
			assertThat(composite.stream().map(HealthContributors.Entry::name)).containsExactlyInAnyOrder("a", "b");
			context.getBean("b", SyncSocket.class).close();
			assertThat(((HealthIndicator) composite.getContributor("a")).health().getStatus()).isEqualTo(Status.UP);
			assertThat(((HealthIndicator) composite.getContributor("b")).health().getStatus()).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void userDefinedSocketShouldGetAnIndicator() {
		SyncSocket own = new SyncSocket(SyncOptions.defaults()).start();
		try {
			this.contextRunner.withBean("ownSocket", SyncSocket.class, () -> own)
				.run((context) -> assertThat(health(context).getDetails()).containsEntry("nodeId", own.id()));
		}
		finally {
			own.close();
		}
	}

	@Test
	void userDefinedContributorShouldWin() {
		HealthIndicator own = () -> Health.up().build();
		this.contextRunner.withBean("syncHealthIndicator", HealthIndicator.class, () -> own)
			.run((context) -> assertThat(context).getBeans(HealthContributor.class)
				.containsOnlyKeys("syncHealthIndicator"));
	}

	@Test
	void disabledShouldNotCreateAContributor() {
		this.contextRunner.withPropertyValues("management.health.sync.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(SyncSocket.class)
				.doesNotHaveBean(HealthContributor.class));
	}

	@Test
	void disabledDefaultsShouldNotCreateAContributor() {
		this.contextRunner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HealthContributor.class));
	}

	@Test
	void withoutSocketsShouldNotCreateAContributor() {
		this.contextRunner.withPropertyValues("sync.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(HealthContributor.class));
	}

	@Test
	void withoutTheHealthConditionShouldNotCreateAContributor() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ConditionalOnEnabledHealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(SyncSocket.class)
				.doesNotHaveBean("syncHealthContributor"));
	}

	@Test
	void withoutTheHealthModuleShouldNotCreateAContributor() {
		// As in an application: auto-configurations are imported through the import
		// filter, which skips ours from its generated metadata before its conditions are
		// even loaded.
		new ApplicationContextRunner().withUserConfiguration(ImportedAutoConfigurations.class)
			.withPropertyValues("sync.port=0")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(SyncSocket.class)
				.doesNotHaveBean("syncHealthContributor"));
	}

	@Test
	void invalidUnconnectedStatusShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("management.health.sync.unconnected-status= ")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("management.health.sync.unconnected-status"));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SyncSocketAutoConfiguration.class, SyncSocketHealthContributorAutoConfiguration.class })
	static class ImportedAutoConfigurations {

	}

	private static Health health(AssertableApplicationContext context) {
		HealthContributor contributor = context.getBean("syncHealthContributor", HealthContributor.class);
		assertThat(contributor).isInstanceOf(HealthIndicator.class);
		return ((HealthIndicator) contributor).health();
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

}
