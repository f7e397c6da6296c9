package io.syncsocket.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code sync.discovery.service-id}: seeds from Spring Cloud's {@link DiscoveryClient},
 * here the simple one configured by properties, with instances that come and go.
 */
class SyncSocketDiscoveryTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncSocketAutoConfiguration.class, UtilAutoConfiguration.class,
				SimpleDiscoveryClientAutoConfiguration.class, CompositeDiscoveryClientAutoConfiguration.class))
		.withPropertyValues("sync.port=0", "sync.seed-retry.initial=50ms", "sync.seed-retry.max=200ms");

	private final List<SyncSocket> others = new ArrayList<>();

	@AfterEach
	void closeOthers() {
		this.others.forEach(SyncSocket::close);
	}

	private SyncSocket other() {
		SyncSocket socket = new SyncSocket(SyncOptions.builder().build());
		this.others.add(socket);
		return socket.start();
	}

	private static int port(SyncSocket socket) {
		return socket.boundAddress().getPort();
	}

	private static boolean linked(SyncSocket socket, SyncSocket other) {
		return socket.peers().stream().anyMatch((peer) -> peer.id().equals(other.id()));
	}

	private static InstanceProperties instance(String id, int port, Map<String, String> metadata) {
		InstanceProperties instance = new InstanceProperties();
		instance.setInstanceId(id);
		instance.setServiceId("orders");
		instance.setHost("127.0.0.1");
		instance.setPort(port);
		instance.setMetadata(new java.util.HashMap<>(metadata));
		return instance;
	}

	@Test
	void instancesOfTheServiceShouldBeDialedAsTheyComeAndGo() {
		SyncSocket a = other();
		SyncSocket b = other();
		this.contextRunner
			.withPropertyValues("sync.discovery.service-id=orders",
					"spring.cloud.discovery.client.simple.instances.orders[0].uri=http://127.0.0.1:" + port(a))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SyncSocket socket = context.getBean(SyncSocket.class);
				assertThat(socket.options().seeding().provider()).hasToString("discovery service 'orders'");
				await().atMost(WAIT).until(() -> linked(socket, a));
				assertThat(linked(socket, b)).isFalse();
				// a second instance registers
				Map<String, List<InstanceProperties>> instances = new ConcurrentHashMap<>();
				instances.put("orders", List.of(instance("a", port(a), Map.of()), instance("b", port(b), Map.of())));
				context.getBean(SimpleDiscoveryProperties.class).setInstances(instances);
				await().atMost(WAIT).until(() -> linked(socket, b));
			});
	}

	@Test
	void theMeshPortShouldComeFromTheInstancesMetadataOrTheProperty() {
		SyncSocket a = other();
		SyncSocket b = other();
		// registered with their web port (here 1, nothing listens there)
		this.contextRunner
			.withPropertyValues("sync.discovery.service-id=orders",
					"spring.cloud.discovery.client.simple.instances.orders[0].uri=http://127.0.0.1:1",
					"spring.cloud.discovery.client.simple.instances.orders[0].metadata.sync-port=" + port(a))
			.run((context) -> await().atMost(WAIT).until(() -> linked(context.getBean(SyncSocket.class), a)));
		this.contextRunner
			.withPropertyValues("sync.discovery.service-id=orders", "sync.discovery.port=" + port(b),
					"spring.cloud.discovery.client.simple.instances.orders[0].uri=http://127.0.0.1:1")
			.run((context) -> await().atMost(WAIT).until(() -> linked(context.getBean(SyncSocket.class), b)));
	}

	@Test
	void aServiceIdWithoutSpringCloudShouldFailNamingTheProperty() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(DiscoveryClient.class))
			.withPropertyValues("sync.discovery.service-id=orders")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sync.discovery.service-id")
				.hasMessageContaining("discovery needs Spring Cloud's DiscoveryClient"));
	}

	@Test
	void aDiscoveryPortWithoutAServiceShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("sync.discovery.port=4444")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sync.discovery.port")
				.hasMessageContaining("sync.discovery.service-id"));
	}

}
