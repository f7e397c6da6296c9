package io.syncsocket.autoconfigure.metrics;

import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncsocket.LinkFault;
import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import io.syncsocket.autoconfigure.SyncSocketAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SyncSocketMetricsAutoConfiguration} and {@link SyncSocketMetrics}.
 */
class SyncSocketMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class, SyncSocketAutoConfiguration.class,
				SyncSocketMetricsAutoConfiguration.class))
		.withPropertyValues("sync.port=0", "management.metrics.use-global-registry=false")
		.withBean(SimpleMeterRegistry.class);

	@Test
	void metersShouldBeBoundTaggedWithTheSocketNameAndFollowTheSocket() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(SyncSocketMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			SyncSocket socket = context.getBean(SyncSocket.class);
			assertThat(gauge(registry, "sync.peers", "default")).isZero();
			assertThat(gauge(registry, "sync.keys", "default")).isZero();
			assertThat(updates(registry, "local")).isZero();
			assertThat(updates(registry, "remote")).isZero();
			assertThat(updates(registry, "state_transfer")).isZero();
			assertThat(gauge(registry, "sync.tombstones", "default")).isZero();
			for (String name : new String[] { "sync.messages.received", "sync.messages.sent", "sync.bytes.received",
					"sync.bytes.sent", "sync.broadcasts.relayed", "sync.deletes", "sync.lease.rejections",
					"sync.stale.rejections" }) {
				assertThat(registry.get(name).tag("socket", "default").functionCounter()).isNotNull();
			}
			assertThat(registry.get("sync.link.faults").tag("socket", "default").functionCounters())
				.hasSize(LinkFault.values().length);

			socket.set("a", 1);
			socket.set("b", 2);
			socket.del("b");
			assertThat(gauge(registry, "sync.keys", "default")).isEqualTo(1);
			assertThat(gauge(registry, "sync.tombstones", "default")).isEqualTo(1);
			assertThat(updates(registry, "local")).isEqualTo(2);
			assertThat(registry.get("sync.deletes").tag("socket", "default").functionCounter().count()).isEqualTo(1);
		});
	}

	@Test
	void peersShouldBeCountedWhenAPeerConnects() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			SyncSocket socket = context.getBean(SyncSocket.class);
			try (SyncSocket peer = new SyncSocket(SyncOptions.defaults()).start()) {
				peer.connect("127.0.0.1", socket.boundAddress().getPort());
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(gauge(registry, "sync.peers", "default")).isEqualTo(1));
				peer.set("remote", "x");
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(updates(registry, "remote")).isEqualTo(1));
			}
		});
	}

	@Test
	void namedSocketsShouldBeTaggedByName() {
		this.contextRunner.withPropertyValues("sync.sockets.a.port=0", "sync.sockets.b.port=0").run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean("b", SyncSocket.class).set("only-b", true);
			assertThat(gauge(registry, "sync.keys", "a")).isZero();
			assertThat(gauge(registry, "sync.keys", "b")).isEqualTo(1);
			assertThat(registry.find("sync.keys").tag("socket", "default").gauge()).isNull();
		});
	}

	@Test
	void metersShouldStayReadableAfterTheSocketCloses() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			SyncSocket socket = context.getBean(SyncSocket.class);
			socket.set("a", 1);
			socket.close();
			assertThat(gauge(registry, "sync.peers", "default")).isZero();
			// the closed socket keeps its last dictionary and counters: function counters
			// never go back
			assertThat(gauge(registry, "sync.keys", "default")).isEqualTo(1);
			assertThat(
					registry.get("sync.updates").tags("socket", "default", "origin", "local").functionCounter().count())
				.isEqualTo(1);
			assertThat(registry.get("sync.messages.sent").tag("socket", "default").functionCounter().count())
				.isNotNaN();
		});
	}

	@Test
	void userDefinedMetricsShouldWin() {
		SyncSocketMetrics own = new SyncSocketMetrics(Map.of());
		this.contextRunner.withBean("ownMetrics", SyncSocketMetrics.class, () -> own)
			.run((context) -> assertThat(context).getBean(SyncSocketMetrics.class).isSameAs(own));
	}

	@Test
	void withoutMicrometerShouldNotCreateMetrics() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(SyncSocketAutoConfiguration.class, SyncSocketMetricsAutoConfiguration.class))
			.withPropertyValues("sync.port=0")
			.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(SyncSocket.class)
				.doesNotHaveBean(SyncSocketMetrics.class));
	}

	@Test
	void withoutSocketsShouldNotCreateMetrics() {
		this.contextRunner.withPropertyValues("sync.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SyncSocketMetrics.class));
	}

	private static double gauge(MeterRegistry registry, String name, String socket) {
		return registry.get(name).tag("socket", socket).gauge().value();
	}

	private static double updates(MeterRegistry registry, String origin) {
		return registry.get("sync.updates").tag("socket", "default").tag("origin", origin).functionCounter().count();
	}

}
