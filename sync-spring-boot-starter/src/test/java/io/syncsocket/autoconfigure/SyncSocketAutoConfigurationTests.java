package io.syncsocket.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.syncsocket.DeletePolicy;
import io.syncsocket.Leasing;
import io.syncsocket.MeshSocket;
import io.syncsocket.Protocol;
import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SyncSocketAutoConfiguration}: defaults, backing off, customizers,
 * named sockets and the debug level.
 */
class SyncSocketAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncSocketAutoConfiguration.class))
		.withPropertyValues("sync.port=0");

	@Test
	void boundPortsShouldBePublishedAsLocalSyncPortProperties() {
		this.contextRunner.run((context) -> {
			SyncSocket socket = context.getBean(SyncSocket.class);
			assertThat(context.getEnvironment().getProperty("local.sync.port", Integer.class))
				.isEqualTo(socket.boundAddress().getPort())
				.isPositive();
		});
		this.contextRunner.withPropertyValues("sync.sockets.a.port=0", "sync.sockets.b.port=0").run((context) -> {
			assertThat(context.getEnvironment().getProperty("local.sync.sockets.a.port", Integer.class))
				.isEqualTo(context.getBean("a", SyncSocket.class).boundAddress().getPort());
			assertThat(context.getEnvironment().getProperty("local.sync.sockets.b.port", Integer.class))
				.isEqualTo(context.getBean("b", SyncSocket.class).boundAddress().getPort());
			assertThat(context.getEnvironment().getProperty("local.sync.port")).isNull();
		});
	}

	@Test
	void nodeIdShouldStayTheSameForTheSameApplicationNameAndAddress() {
		String[] first = new String[2];
		this.contextRunner.withPropertyValues("spring.application.name=orders").run((context) -> {
			SyncSocket socket = context.getBean(SyncSocket.class);
			assertThat(socket.options().nodeName()).isEqualTo("orders");
			first[0] = socket.id();
			first[1] = String.valueOf(socket.boundAddress().getPort());
		});
		String port = "sync.port=" + first[1];
		this.contextRunner.withPropertyValues("spring.application.name=orders", port)
			.run((context) -> assertThat(context.getBean(SyncSocket.class).id()).isEqualTo(first[0]));
		this.contextRunner.withPropertyValues("spring.application.name=billing", port)
			.run((context) -> assertThat(context.getBean(SyncSocket.class).id()).isNotEqualTo(first[0]));
		this.contextRunner.withPropertyValues("spring.application.name=billing", "sync.node-name=orders", port)
			.run((context) -> assertThat(context.getBean(SyncSocket.class).id()).isEqualTo(first[0]));
		this.contextRunner.withPropertyValues(port)
			.run((context) -> assertThat(context.getBean(SyncSocket.class).options().nodeName())
				.isEqualTo("application"));
	}

	@Test
	void nodeIdTogetherWithNodeNameShouldFailNamingBoth() {
		this.contextRunner.withPropertyValues("sync.node-id=fixed", "sync.node-name=orders")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sync.node-name")
				.hasMessageContaining("set either sync.node-id (a fixed id) or sync.node-name"));
	}

	@Test
	void defaultSocketShouldBeRunningOnLoopbackWithLibraryDefaults() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(SyncSocket.class)
				.hasBean(SyncSocketAutoConfiguration.DEFAULT_BEAN_NAME)
				.hasSingleBean(SyncSocketLifecycle.class)
				.hasSingleBean(SyncSocketProperties.class);
			SyncSocket socket = context.getBean(SyncSocketAutoConfiguration.DEFAULT_BEAN_NAME, SyncSocket.class);
			assertThat(socket.state()).isEqualTo(MeshSocket.State.RUNNING);
			assertThat(context.getBean(SyncSocketLifecycle.class).isRunning()).isTrue();
			assertThat(socket.boundAddress().getHostString()).isEqualTo("127.0.0.1");
			assertThat(socket.boundAddress().getPort()).isPositive();
			assertThat(socket.advertisedAddress().getHostString()).isEqualTo("127.0.0.1");
			assertThat(socket.advertisedAddress().getPort()).isEqualTo(socket.boundAddress().getPort());
			assertThat(socket.leasing()).isEqualTo(Leasing.ON);
			assertThat(socket.protocol()).isEqualTo(Protocol.of("sync1"));
			assertThat(socket.protocolId()).isEqualTo(Protocol.of("sync1").id());
			SyncOptions defaults = SyncOptions.defaults();
			assertThat(socket.options()).usingRecursiveComparison()
				.ignoringFields("name", "threads.listenerExecutor", "nodeName")
				.isEqualTo(defaults.mesh());
			assertThat(socket.options().name()).isEqualTo("sync-default");
			assertThat(socket.options().nodeName()).isEqualTo("application");
			assertThat(socket.options().threads().listenerExecutor()).isNotNull();
			assertThat(socket.syncOptions().leasing()).isEqualTo(defaults.leasing());
			assertThat(socket.syncOptions().deletePolicy()).isEqualTo(DeletePolicy.EXCEPT_TO_JS2P)
				.isEqualTo(defaults.deletePolicy());
			assertThat(socket.syncOptions().tombstoneRetention()).isEqualTo(defaults.tombstoneRetention());
		});
	}

	@Test
	void lifecycleShouldStartBeforeAndStopAfterTheWebServer() {
		// the web server's start/stop lifecycle runs in DEFAULT_PHASE - 2048
		assertThat(SyncSocketLifecycle.PHASE).isLessThan(SmartLifecycle.DEFAULT_PHASE - 2048);
		this.contextRunner.run((context) -> assertThat(context.getBean(SyncSocketLifecycle.class).getPhase())
			.isEqualTo(SyncSocketLifecycle.PHASE));
	}

	@Test
	void disabledShouldNotCreateAnyBean() {
		this.contextRunner.withPropertyValues("sync.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(SyncSocket.class)
				.doesNotHaveBean(SyncSocketLifecycle.class)
				.doesNotHaveBean(SyncSocketProperties.class));
	}

	@Test
	void withoutTheCoreLibraryShouldNotCreateAnyBean() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(SyncSocket.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(SyncSocketLifecycle.class)
				.doesNotHaveBean(SyncSocketProperties.class));
	}

	@Test
	void userDefinedSocketShouldWin() {
		SyncSocket own = new SyncSocket(SyncOptions.defaults());
		try {
			this.contextRunner.withBean("mySocket", SyncSocket.class, () -> own).run((context) -> {
				assertThat(context).hasSingleBean(SyncSocket.class)
					.hasBean("mySocket")
					.doesNotHaveBean(SyncSocketAutoConfiguration.DEFAULT_BEAN_NAME)
					.doesNotHaveBean(SyncSocketLifecycle.class);
				assertThat(context.getBean(SyncSocket.class)).isSameAs(own);
				// nothing of the starter's starts a socket it did not create
				assertThat(own.state()).isEqualTo(MeshSocket.State.NEW);
			});
		}
		finally {
			own.close();
		}
		assertThat(own.state()).isEqualTo(MeshSocket.State.CLOSED);
	}

	@Test
	void userDefinedNamedSocketsShouldDisableTheConfiguredOnes() {
		SyncSocket own = new SyncSocket(SyncOptions.defaults());
		try {
			this.contextRunner.withPropertyValues("sync.sockets.a.port=0")
				.withBean("own", SyncSocket.class, () -> own)
				.run((context) -> assertThat(context).hasSingleBean(SyncSocket.class)
					.doesNotHaveBean("a")
					.doesNotHaveBean(SyncSocketLifecycle.class));
		}
		finally {
			own.close();
		}
	}

	@Test
	void customizersShouldBeAppliedInOrderWithTheSocketName() {
		this.contextRunner.withUserConfiguration(CustomizersConfiguration.class).run((context) -> {
			SyncSocket socket = context.getBean(SyncSocket.class);
			List<String> calls = context.getBean(CustomizersConfiguration.class).calls;
			assertThat(calls).containsExactly("first:default", "second:default");
			assertThat(socket.options().nodeId()).isEqualTo("second-node");
			assertThat(socket.id()).isEqualTo("second-node");
			assertThat(socket.options().maxOutgoing()).isEqualTo(2);
			// a value only the first customizer set is kept
			assertThat(socket.syncOptions().deletePolicy()).isEqualTo(DeletePolicy.NEVER);
		});
	}

	@Test
	void customizersShouldRunAfterThePropertiesAndOncePerNamedSocket() {
		this.contextRunner
			.withPropertyValues("sync.max-outgoing=9", "sync.sockets.a.port=0", "sync.sockets.b.port=0",
					"sync.sockets.b.node-id=from-properties")
			.withUserConfiguration(CustomizersConfiguration.class)
			.run((context) -> {
				List<String> calls = context.getBean(CustomizersConfiguration.class).calls;
				assertThat(calls).containsExactlyInAnyOrder("first:a", "second:a", "first:b", "second:b");
				assertThat(calls.indexOf("first:a")).isLessThan(calls.indexOf("second:a"));
				assertThat(calls.indexOf("first:b")).isLessThan(calls.indexOf("second:b"));
				assertThat(context.getBean("a", SyncSocket.class).options().maxOutgoing()).isEqualTo(2);
				assertThat(context.getBean("b", SyncSocket.class).options().nodeId()).isEqualTo("second-node-b");
			});
	}

	@Test
	void namedSocketsShouldInheritTopLevelValuesAndBeInjectableByQualifier() {
		this.contextRunner
			.withPropertyValues("sync.leasing=off", "sync.max-outgoing=6", "sync.sockets.a.port=0",
					"sync.sockets.b.port=0", "sync.sockets.b.leasing=on")
			.withUserConfiguration(QualifiedConsumerConfiguration.class)
			.run((context) -> {
				assertThat(context).getBeans(SyncSocket.class).containsOnlyKeys("a", "b");
				assertThat(context).doesNotHaveBean(SyncSocketAutoConfiguration.DEFAULT_BEAN_NAME);
				SyncSocket a = context.getBean("a", SyncSocket.class);
				SyncSocket b = context.getBean("b", SyncSocket.class);
				assertThat(a).isNotSameAs(b);
				assertThat(a.state()).isEqualTo(MeshSocket.State.RUNNING);
				assertThat(b.state()).isEqualTo(MeshSocket.State.RUNNING);
				assertThat(a.boundAddress().getPort()).isNotEqualTo(b.boundAddress().getPort());
				assertThat(a.leasing()).isEqualTo(Leasing.OFF);
				assertThat(a.protocol().subnet()).isEqualTo("sync0");
				assertThat(b.leasing()).isEqualTo(Leasing.ON);
				assertThat(b.protocol().subnet()).isEqualTo("sync1");
				assertThat(a.options().maxOutgoing()).isEqualTo(6);
				assertThat(b.options().maxOutgoing()).isEqualTo(6);
				assertThat(a.options().name()).isEqualTo("sync-a");
				assertThat(b.options().name()).isEqualTo("sync-b");
				QualifiedConsumer consumer = context.getBean(QualifiedConsumer.class);
				assertThat(consumer.a()).isSameAs(a);
				assertThat(consumer.b()).isSameAs(b);
			});
	}

	@Test
	void namedSocketsShouldNotInheritPortNodeIdOrAdvertisedAddress() throws Exception {
		// sync.port names a port held open for the whole run: a named socket that
		// inherited it
		// could not bind (a port closed before the run could be handed out again as an
		// ephemeral one)
		try (java.net.ServerSocket held = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			int taken = held.getLocalPort();
			this.contextRunner
				.withPropertyValues("sync.port=" + taken, "sync.node-id=shared", "sync.out-addr=10.0.0.9:4444",
						"sync.sockets.a.max-outgoing=1", "sync.sockets.b.max-outgoing=2")
				.run((context) -> {
					SyncSocket a = context.getBean("a", SyncSocket.class);
					SyncSocket b = context.getBean("b", SyncSocket.class);
					assertThat(a.state()).isEqualTo(MeshSocket.State.RUNNING);
					assertThat(b.state()).isEqualTo(MeshSocket.State.RUNNING);
					assertThat(a.boundAddress().getPort()).isNotEqualTo(taken).isNotEqualTo(b.boundAddress().getPort());
					assertThat(a.id()).isNotEqualTo("shared").isNotEqualTo(b.id());
					assertThat(a.advertisedAddress().getPort()).isEqualTo(a.boundAddress().getPort());
				});
		}
	}

	@Test
	void debugLevelShouldSetTheLibraryLogLevel() {
		LoggingSystem loggingSystem = LoggingSystem.get(getClass().getClassLoader());
		LoggerConfiguration before = loggingSystem.getLoggerConfiguration("io.syncsocket");
		LogLevel previous = (before != null) ? before.getConfiguredLevel() : null;
		try {
			this.contextRunner.withPropertyValues("sync.debug-level=3")
				.run((context) -> assertThat(loggingSystem.getLoggerConfiguration("io.syncsocket").getEffectiveLevel())
					.isEqualTo(LogLevel.DEBUG));
			this.contextRunner.withPropertyValues("sync.debug-level=5")
				.run((context) -> assertThat(loggingSystem.getLoggerConfiguration("io.syncsocket").getEffectiveLevel())
					.isEqualTo(LogLevel.TRACE));
		}
		finally {
			loggingSystem.setLogLevel("io.syncsocket", previous);
		}
	}

	@Test
	void lazyInitializationShouldStillStartTheSockets() {
		this.contextRunner
			.withInitializer(
					(context) -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
			.run((context) -> {
				SyncSocketLifecycle lifecycle = context.getBean(SyncSocketLifecycle.class);
				assertThat(lifecycle.isRunning()).isTrue();
				// nothing has asked for the socket yet: it must be bound anyway, as a
				// server is
				assertThat(context.getBeanFactory().containsSingleton(SyncSocketAutoConfiguration.DEFAULT_BEAN_NAME))
					.isTrue();
				assertThat(context.getBean(SyncSocket.class).state()).isEqualTo(MeshSocket.State.RUNNING);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizersConfiguration {

		final List<String> calls = new CopyOnWriteArrayList<>();

		// declared in reverse order on purpose: @Order decides, not the declaration
		@Bean
		@Order(2)
		SyncSocketCustomizer secondCustomizer() {
			return (name, options) -> {
				this.calls.add("second:" + name);
				options.mesh((mesh) -> mesh.nodeId("default".equals(name) ? "second-node" : "second-node-" + name)
					.maxOutgoing(2));
			};
		}

		@Bean
		@Order(1)
		SyncSocketCustomizer firstCustomizer() {
			return (name, options) -> {
				this.calls.add("first:" + name);
				options.mesh((mesh) -> mesh.nodeId("first-node-" + name).maxOutgoing(1))
					.deletePolicy(DeletePolicy.NEVER);
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class QualifiedConsumerConfiguration {

		@Bean
		QualifiedConsumer qualifiedConsumer(@Qualifier("a") SyncSocket a, @Qualifier("b") SyncSocket b) {
			return new QualifiedConsumer(a, b);
		}

	}

	record QualifiedConsumer(SyncSocket a, SyncSocket b) {
	}

}
