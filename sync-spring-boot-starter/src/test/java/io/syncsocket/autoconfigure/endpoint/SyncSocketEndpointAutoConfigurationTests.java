package io.syncsocket.autoconfigure.endpoint;

import java.time.Duration;
import java.util.Map;

import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import io.syncsocket.autoconfigure.SyncSocketAutoConfiguration;
import io.syncsocket.autoconfigure.endpoint.SyncSocketEndpoint.KeyDescriptor;
import io.syncsocket.autoconfigure.endpoint.SyncSocketEndpoint.SocketDescriptor;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SyncSocketEndpointAutoConfiguration} and {@link SyncSocketEndpoint}.
 */
class SyncSocketEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(SyncSocketAutoConfiguration.class, SyncSocketEndpointAutoConfiguration.class))
		.withPropertyValues("sync.port=0");

	@Test
	void exposedEndpointShouldDescribeTheSocketWithBoundedKeys() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=sync", "management.endpoint.sync.max-keys=2")
			.run((context) -> {
				assertThat(context).hasSingleBean(SyncSocketEndpoint.class);
				SyncSocket socket = context.getBean(SyncSocket.class);
				socket.set("c", 3);
				socket.set("a", 1);
				socket.set("b", 2);
				SyncSocketEndpoint endpoint = context.getBean(SyncSocketEndpoint.class);
				assertThat(endpoint.sockets().sockets()).containsOnlyKeys("default");
				SocketDescriptor descriptor = endpoint.sockets().sockets().get("default");
				String address = "127.0.0.1:" + socket.boundAddress().getPort();
				assertThat(descriptor.state()).isEqualTo("RUNNING");
				assertThat(descriptor.nodeId()).isEqualTo(socket.id());
				assertThat(descriptor.boundAddress()).isEqualTo(address);
				assertThat(descriptor.advertisedAddress()).isEqualTo(address);
				assertThat(descriptor.protocolId()).isEqualTo(socket.protocolId());
				assertThat(descriptor.leasing()).isEqualTo("ON");
				assertThat(descriptor.peers()).isEmpty();
				assertThat(descriptor.keyCount()).isEqualTo(3);
				assertThat(descriptor.keys()).extracting(KeyDescriptor::key).containsExactly("a", "b");
				assertThat(descriptor.keys()).allSatisfy((key) -> assertThat(key.owner()).isEqualTo(socket.id()));
				assertThat(descriptor.truncated()).isTrue();
				assertThat(endpoint.socket("default")).isEqualTo(descriptor);
				assertThat(endpoint.socket("nope")).isNull();
			});
	}

	@Test
	void allKeysWithinTheLimitShouldNotBeTruncated() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=sync", "management.endpoint.sync.max-keys=2")
			.run((context) -> {
				SyncSocket socket = context.getBean(SyncSocket.class);
				socket.set("a", 1);
				socket.set("b", 2);
				SocketDescriptor descriptor = context.getBean(SyncSocketEndpoint.class).socket("default");
				assertThat(descriptor.keyCount()).isEqualTo(2);
				assertThat(descriptor.keys()).hasSize(2);
				assertThat(descriptor.truncated()).isFalse();
			});
	}

	@Test
	void zeroMaxKeysShouldListNoKeyButCountThem() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=sync", "management.endpoint.sync.max-keys=0")
			.run((context) -> {
				context.getBean(SyncSocket.class).set("a", 1);
				SocketDescriptor descriptor = context.getBean(SyncSocketEndpoint.class).socket("default");
				assertThat(descriptor.keyCount()).isEqualTo(1);
				assertThat(descriptor.keys()).isEmpty();
				assertThat(descriptor.truncated()).isTrue();
			});
	}

	@Test
	void negativeMaxKeysShouldFailNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=sync",
					"management.endpoint.sync.max-keys=-1")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("management.endpoint.sync.max-keys"));
	}

	@Test
	void peersAndNamedSocketsShouldBeDescribed() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=sync", "sync.sockets.a.port=0",
					"sync.sockets.b.port=0")
			.run((context) -> {
				SyncSocketEndpoint endpoint = context.getBean(SyncSocketEndpoint.class);
				assertThat(endpoint.sockets().sockets()).containsOnlyKeys("a", "b");
				SyncSocket a = context.getBean("a", SyncSocket.class);
				try (SyncSocket peer = new SyncSocket(SyncOptions.defaults()).start()) {
					String peerId = peer.id();
					peer.connect("127.0.0.1", a.boundAddress().getPort());
					await().atMost(Duration.ofSeconds(10))
						.untilAsserted(() -> assertThat(endpoint.socket("a").peers()).singleElement()
							.satisfies((described) -> {
								assertThat(described.id()).isEqualTo(peerId);
								assertThat(described.direction()).isEqualTo("INBOUND");
								assertThat(described.dialect()).isEqualTo("SYNCSOCKET");
							}));
				}
				assertThat(endpoint.socket("b").peers()).isEmpty();
			});
	}

	@Test
	void closedSocketShouldBeDescribedByItsState() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=sync").run((context) -> {
			context.getBean(SyncSocket.class).close();
			SocketDescriptor descriptor = context.getBean(SyncSocketEndpoint.class).socket("default");
			assertThat(descriptor.state()).isEqualTo("CLOSED");
			assertThat(descriptor.nodeId()).isNull();
			assertThat(descriptor.keyCount()).isZero();
		});
	}

	@Test
	void endpointShouldBeAvailableOverJmxWhenExposedThere() {
		this.contextRunner
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=sync")
			.run((context) -> assertThat(context).hasSingleBean(SyncSocketEndpoint.class));
	}

	@Test
	void notExposedEndpointShouldNotBeCreated() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(SyncSocket.class)
			.doesNotHaveBean(SyncSocketEndpoint.class));
	}

	@Test
	void endpointWithoutAccessShouldNotBeCreated() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=sync",
					"management.endpoint.sync.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(SyncSocketEndpoint.class));
	}

	@Test
	void withoutSocketsShouldNotCreateTheEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=sync", "sync.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SyncSocketEndpoint.class));
	}

	@Test
	void withoutTheEndpointConditionShouldNotCreateTheEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=sync")
			.withClassLoader(new FilteredClassLoader(ConditionalOnAvailableEndpoint.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(SyncSocket.class)
				.doesNotHaveBean(SyncSocketEndpoint.class));
	}

	@Test
	void withoutActuatorShouldNotCreateTheEndpoint() {
		// As in an application: the import filter skips the auto-configuration from its
		// generated metadata before its conditions are loaded.
		new ApplicationContextRunner().withUserConfiguration(ImportedAutoConfigurations.class)
			.withPropertyValues("sync.port=0", "management.endpoints.web.exposure.include=sync")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(SyncSocket.class)
				.doesNotHaveBean(SyncSocketEndpoint.class));
	}

	@Test
	void userDefinedEndpointShouldWin() {
		SyncSocketEndpoint own = new SyncSocketEndpoint(Map.of(), 1);
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=sync")
			.withBean("ownEndpoint", SyncSocketEndpoint.class, () -> own)
			.run((context) -> assertThat(context).getBean(SyncSocketEndpoint.class).isSameAs(own));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SyncSocketAutoConfiguration.class, SyncSocketEndpointAutoConfiguration.class })
	static class ImportedAutoConfigurations {

	}

}
