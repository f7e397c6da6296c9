package io.syncsocket.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.syncsocket.MeshSocket;
import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;

/**
 * The auto-configured socket in a test suite with several cached contexts. Spring
 * Framework 7 pauses a cached context when the next test class switches to another one
 * and restarts it when a later class reuses it; the socket must serve in every class, and
 * an explicit context stop/start or pause/restart must leave it working too.
 *
 * <p>
 * The nested classes run in {@link Order} and share the context cache of this JVM: the
 * first and third (and fourth) use the same configuration, so they get the same context;
 * the second's {@link MockitoBean} makes a second context, which pauses the first.
 */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class SyncSocketContextCacheTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** The socket of the first context, as the first class saw it. */
	private static @Nullable SyncSocket firstSocket;

	private static @Nullable String firstId;

	@Nested
	@Order(1)
	@SpringBootTest(classes = TestApplication.class, properties = { "sync.addr=127.0.0.1", "sync.port=0" })
	class FirstContext {

		@Autowired
		SyncSocket socket;

		@Test
		void socketShouldServe() {
			this.socket.set("written-in", "first");
			assertThat(this.socket.get("written-in")).isEqualTo("first");
			firstSocket = this.socket;
			firstId = this.socket.id();
		}

	}

	@Nested
	@Order(2)
	@SpringBootTest(classes = TestApplication.class, properties = { "sync.addr=127.0.0.1", "sync.port=0" })
	class SecondContext {

		@MockitoBean
		SyncSocketCustomizer customizer;

		@Autowired
		SyncSocket socket;

		@Test
		void socketShouldServeItsOwnContext() {
			assertThat(this.socket).isNotSameAs(firstSocket);
			verify(this.customizer).customize(eq(SyncSocketAutoConfiguration.DEFAULT_SOCKET_NAME),
					any(SyncOptions.Builder.class));
			this.socket.set("written-in", "second");
			assertThat(this.socket.get("written-in")).isEqualTo("second");
			assertThat(this.socket.id()).isNotEqualTo(firstId);
		}

	}

	@Nested
	@Order(3)
	@SpringBootTest(classes = TestApplication.class, properties = { "sync.addr=127.0.0.1", "sync.port=0" })
	class FirstContextAgain {

		@Autowired
		SyncSocket socket;

		@Autowired
		SyncSocketLifecycle lifecycle;

		@Autowired
		PauseProbe probe;

		@Test
		void socketShouldHaveKeptRunningWhileItsContextWasPaused() {
			assertThat(this.socket).as("the cached context's socket").isSameAs(firstSocket);
			assertThat(this.probe.stops()).as("pauses of this context while the second one ran").isPositive();
			assertThat(this.probe.isRunning()).isTrue();
			assertThat(this.socket.state()).isEqualTo(MeshSocket.State.RUNNING);
			assertThat(this.lifecycle.isRunning()).isTrue();
			// same node, same data: it never left the mesh
			assertThat(this.socket.id()).isEqualTo(firstId);
			assertThat(this.socket.get("written-in")).isEqualTo("first");
			this.socket.set("written-in", "third");
			assertThat(this.socket.get("written-in")).isEqualTo("third");
		}

	}

	@Nested
	@Order(4)
	@SpringBootTest(classes = TestApplication.class, properties = { "sync.addr=127.0.0.1", "sync.port=0" })
	class FirstContextStoppedAndPaused {

		@Autowired
		ConfigurableApplicationContext context;

		@Autowired
		SyncSocket socket;

		@Autowired
		SyncSocketLifecycle lifecycle;

		@Autowired
		KeyEvents events;

		@Test
		void contextStopShouldCloseTheSocketAndStartShouldGiveAWorkingOneBack() {
			assertThat(this.socket).isSameAs(firstSocket);
			this.context.stop();
			assertThat(this.socket.state()).isEqualTo(MeshSocket.State.CLOSED);
			assertThat(this.lifecycle.isRunning()).isFalse();
			this.context.start();
			assertThat(this.socket.state()).isEqualTo(MeshSocket.State.RUNNING);
			assertThat(this.lifecycle.isRunning()).isTrue();
			assertThat(this.socket.id()).isNotEmpty();
			this.socket.set("after", "restart");
			assertThat(this.socket.get("after")).isEqualTo("restart");
			// the event dispatcher was restarted with the socket
			await().atMost(TIMEOUT).until(() -> this.events.keys().contains("after"));
		}

		@Test
		void contextPauseAndRestartShouldLeaveTheSocketRunning() {
			assertThat(this.socket).isSameAs(firstSocket);
			String id = this.socket.id();
			int port = this.socket.boundAddress().getPort();
			this.socket.set("before", "pause");
			this.context.pause();
			assertThat(this.socket.state()).isEqualTo(MeshSocket.State.RUNNING);
			assertThat(this.socket.get("before")).isEqualTo("pause");
			this.context.restart();
			assertThat(this.lifecycle.isRunning()).isTrue();
			assertThat(this.socket.id()).isEqualTo(id);
			assertThat(this.socket.boundAddress().getPort()).isEqualTo(port);
			this.socket.set("after", "pause");
			assertThat(this.socket.get("after")).isEqualTo("pause");
		}

	}

	@Nested
	@Order(5)
	@SpringBootTest(classes = TestApplication.class, properties = { "sync.addr=127.0.0.1", "sync.port=0" })
	class SecondContextAgain {

		@MockitoBean
		SyncSocketCustomizer customizer;

		@Autowired
		SyncSocket socket;

		@Test
		void socketShouldStillServeAfterItsContextWasPaused() {
			assertThat(this.socket).isNotSameAs(firstSocket);
			assertThat(this.socket.state()).isEqualTo(MeshSocket.State.RUNNING);
			assertThat(this.socket.get("written-in")).isEqualTo("second");
			this.socket.set("written-in", "fifth");
			assertThat(this.socket.get("written-in")).isEqualTo("fifth");
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		KeyEvents keyEvents() {
			return new KeyEvents();
		}

		@Bean
		PauseProbe pauseProbe() {
			return new PauseProbe();
		}

	}

	/**
	 * A pauseable lifecycle bean: shows that the context cache really paused a context.
	 */
	static class PauseProbe implements SmartLifecycle {

		private final AtomicInteger stops = new AtomicInteger();

		private volatile boolean running;

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
			this.stops.incrementAndGet();
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		int stops() {
			return this.stops.get();
		}

	}

	static class KeyEvents {

		private final List<String> keys = new CopyOnWriteArrayList<>();

		@EventListener
		void onUpdate(SyncKeyUpdatedEvent event) {
			this.keys.add(event.getKey());
		}

		List<String> keys() {
			return this.keys;
		}

	}

}
