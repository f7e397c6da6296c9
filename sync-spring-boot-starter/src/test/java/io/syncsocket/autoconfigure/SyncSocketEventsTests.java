package io.syncsocket.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import io.syncsocket.Peer;
import io.syncsocket.SyncEvent;
import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application events of an auto-configured socket, driven by a plain core
 * {@link SyncSocket} or a second context over loopback.
 */
class SyncSocketEventsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncSocketAutoConfiguration.class))
		.withPropertyValues("sync.port=0")
		.withUserConfiguration(RecorderConfiguration.class);

	private final List<SyncSocket> plainSockets = new CopyOnWriteArrayList<>();

	@AfterEach
	void closePlainSockets() {
		this.plainSockets.forEach(SyncSocket::close);
	}

	@Test
	void remoteChangesAndPeersShouldBePublishedOnTheEventThread() {
		this.contextRunner.run((context) -> {
			SyncSocket socket = context.getBean(SyncSocket.class);
			Recorder recorder = context.getBean(Recorder.class);
			SyncSocket remote = startPlainSocket();
			String remoteId = remote.id();
			remote.connect("127.0.0.1", socket.boundAddress().getPort());

			SyncPeerConnectedEvent connected = recorder.await(SyncPeerConnectedEvent.class,
					(event) -> event.getPeer().id().equals(remoteId));
			assertThat(connected.getSocketName()).isEqualTo("default");
			assertThat(connected.getSocket()).isSameAs(socket);
			assertThat(connected.getPeer().direction()).isEqualTo(Peer.Direction.INBOUND);

			remote.set("greeting", "hello");
			SyncKeyUpdatedEvent updated = recorder.await(SyncKeyUpdatedEvent.class,
					(event) -> event.getKey().equals("greeting"));
			assertThat(updated.getSocketName()).isEqualTo("default");
			assertThat(updated.getSocket()).isSameAs(socket);
			assertThat(updated.getValue()).isEqualTo("hello");
			assertThat(updated.getMeta().owner()).isEqualTo(remoteId);
			assertThat(updated.getOrigin()).isEqualTo(SyncEvent.Origin.REMOTE);
			assertThat(updated.getChange().type()).isEqualTo(SyncEvent.Type.UPDATE);

			remote.del("greeting");
			SyncKeyDeletedEvent deleted = recorder.await(SyncKeyDeletedEvent.class,
					(event) -> event.getKey().equals("greeting"));
			assertThat(deleted.getValue()).isNull();
			assertThat(deleted.getMeta().owner()).isEqualTo(remoteId);
			assertThat(deleted.getOrigin()).isEqualTo(SyncEvent.Origin.REMOTE);
			assertThat(socket.containsKey("greeting")).isFalse();

			remote.close();
			SyncPeerDisconnectedEvent disconnected = recorder.await(SyncPeerDisconnectedEvent.class,
					(event) -> event.getPeer().id().equals(remoteId));
			assertThat(disconnected.getSocketName()).isEqualTo("default");

			assertThat(recorder.threads).isNotEmpty().allSatisfy((thread) -> {
				assertThat(thread).isEqualTo("sync-default-events");
				assertThat(thread).doesNotContain("-io-");
			});
			// commit order: the update before the delete
			assertThat(recorder.events.indexOf(updated)).isLessThan(recorder.events.indexOf(deleted));
		});
	}

	@Test
	void localChangesShouldBePublishedWithLocalOrigin() {
		this.contextRunner.run((context) -> {
			SyncSocket socket = context.getBean(SyncSocket.class);
			Recorder recorder = context.getBean(Recorder.class);
			socket.set("local", 42);
			SyncKeyUpdatedEvent updated = recorder.await(SyncKeyUpdatedEvent.class,
					(event) -> event.getKey().equals("local"));
			assertThat(updated.getValue()).isEqualTo(42L);
			assertThat(updated.getOrigin()).isEqualTo(SyncEvent.Origin.LOCAL);
			assertThat(updated.getMeta().owner()).isEqualTo(socket.id());
		});
	}

	@Test
	void listenerMayCallBlockingSocketMethods() {
		this.contextRunner.withUserConfiguration(PingPongConfiguration.class).run((context) -> {
			SyncSocket socket = context.getBean(SyncSocket.class);
			SyncSocket remote = startPlainSocket();
			remote.connect("127.0.0.1", socket.boundAddress().getPort());
			remote.set("ping", "1");
			// the listener answers with a set on the context's socket, from the event
			// thread
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(remote.get("pong")).isEqualTo("1"));
			assertThat(context.getBean(PingPong.class).failures).isEmpty();
		});
	}

	@Test
	void changesShouldFlowBetweenTwoContexts() {
		this.contextRunner.withPropertyValues("sync.sockets.left.port=0").run((left) -> {
			SyncSocket leftSocket = left.getBean("left", SyncSocket.class);
			this.contextRunner
				.withPropertyValues("sync.sockets.right.port=0",
						"sync.seeds=127.0.0.1:" + leftSocket.boundAddress().getPort())
				.run((right) -> {
					SyncSocket rightSocket = right.getBean("right", SyncSocket.class);
					Recorder leftRecorder = left.getBean(Recorder.class);
					leftRecorder.await(SyncPeerConnectedEvent.class,
							(event) -> event.getPeer().id().equals(rightSocket.id()));
					rightSocket.set("from-right", "hi");
					SyncKeyUpdatedEvent updated = leftRecorder.await(SyncKeyUpdatedEvent.class,
							(event) -> event.getKey().equals("from-right"));
					assertThat(updated.getSocketName()).isEqualTo("left");
					assertThat(updated.getOrigin()).isEqualTo(SyncEvent.Origin.REMOTE);
					assertThat(updated.getMeta().owner()).isEqualTo(rightSocket.id());
					assertThat(leftRecorder.threads)
						.allSatisfy((thread) -> assertThat(thread).isEqualTo("sync-left-events"));
				});
			// the right context closed: the left one hears its peer leave
			left.getBean(Recorder.class).await(SyncPeerDisconnectedEvent.class, (event) -> true);
		});
	}

	private SyncSocket startPlainSocket() {
		SyncSocket socket = new SyncSocket(SyncOptions.defaults());
		this.plainSockets.add(socket);
		return socket.start();
	}

	@Configuration(proxyBeanMethods = false)
	static class RecorderConfiguration {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

	}

	static class Recorder {

		final List<SyncSocketEvent> events = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		@EventListener
		void on(SyncSocketEvent event) {
			this.threads.add(Thread.currentThread().getName());
			this.events.add(event);
		}

		<E extends SyncSocketEvent> E await(Class<E> type, Predicate<E> condition) {
			return Awaitility.await()
				.atMost(TIMEOUT)
				.until(() -> this.events.stream()
					.filter(type::isInstance)
					.map(type::cast)
					.filter(condition)
					.findFirst()
					.orElse(null), Objects::nonNull);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PingPongConfiguration {

		@Bean
		PingPong pingPong() {
			return new PingPong();
		}

	}

	static class PingPong {

		final List<Throwable> failures = new CopyOnWriteArrayList<>();

		@EventListener
		void on(SyncKeyUpdatedEvent event) {
			if (event.getKey().equals("ping") && event.getOrigin() == SyncEvent.Origin.REMOTE) {
				try {
					event.getSocket().set("pong", event.getValue());
				}
				catch (RuntimeException ex) {
					this.failures.add(ex);
				}
			}
		}

	}

}
