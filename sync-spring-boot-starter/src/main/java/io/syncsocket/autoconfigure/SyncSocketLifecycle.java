package io.syncsocket.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.syncsocket.MeshSocket;
import io.syncsocket.Peer;
import io.syncsocket.PeerListener;
import io.syncsocket.SyncEvent;
import io.syncsocket.SyncListener;
import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import io.syncsocket.SyncSocketException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Creates the auto-configured sockets and runs them with the application context: they bind
 * and dial their seeds on start, in a phase before the web server starts, and close (links,
 * Netty threads, event dispatcher) on stop, after the web server has stopped.
 *
 * <p>Each socket gets a single-threaded event dispatcher that delivers its listeners and
 * publishes its {@link SyncSocketEvent}s in commit order, off the socket's own threads.
 */
public class SyncSocketLifecycle implements SmartLifecycle {

	/** Starts before the web server ({@code DEFAULT_PHASE - 2048}) and stops after it. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Logger logger = LoggerFactory.getLogger(SyncSocketLifecycle.class);

	private final SyncSocketProperties properties;

	private final ObjectProvider<SyncSocketCustomizer> customizers;

	private final ApplicationEventPublisher publisher;

	private final @Nullable ObjectProvider<SslBundles> sslBundles;

	private final List<Managed> sockets = new ArrayList<>();

	private volatile boolean running;

	public SyncSocketLifecycle(SyncSocketProperties properties, ObjectProvider<SyncSocketCustomizer> customizers,
			ApplicationEventPublisher publisher) {
		this(properties, customizers, publisher, null);
	}

	/** A lifecycle that resolves {@code sync.ssl.bundle} through the context's {@link SslBundles}. */
	public SyncSocketLifecycle(SyncSocketProperties properties, ObjectProvider<SyncSocketCustomizer> customizers,
			ApplicationEventPublisher publisher, @Nullable ObjectProvider<SslBundles> sslBundles) {
		this.properties = properties;
		this.customizers = customizers;
		this.publisher = publisher;
		this.sslBundles = sslBundles;
	}

	/** Creates (but does not start) the socket with the given name. */
	public synchronized SyncSocket create(String name) {
		ObjectProvider<SslBundles> sslBundles = this.sslBundles;
		SyncOptionsMapper mapper = new SyncOptionsMapper(this.properties, name,
				() -> (sslBundles != null) ? sslBundles.getIfAvailable() : null);
		SyncOptions.Builder builder = mapper.map("sync-" + name);
		ExecutorService dispatcher = Executors.newSingleThreadExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "sync-" + name + "-events");
			thread.setDaemon(true);
			return thread;
		});
		builder.mesh((mesh) -> mesh.listenerExecutor(dispatcher));
		this.customizers.orderedStream().forEach((customizer) -> customizer.customize(name, builder));
		applyDebugLevel(mapper.debugLevel());
		SyncSocket socket = new SyncSocket(builder.build());
		EventBridge bridge = new EventBridge(socket, name, this.publisher);
		socket.addSyncListener(bridge);
		socket.addPeerListener(bridge);
		this.sockets.add(new Managed(name, socket, dispatcher));
		if (this.running) {
			startSocket(this.sockets.get(this.sockets.size() - 1));
		}
		return socket;
	}

	private static void applyDebugLevel(int level) {
		if (level > 0) {
			LoggingSystem.get(SyncSocketLifecycle.class.getClassLoader())
				.setLogLevel("io.syncsocket", (level >= 5) ? LogLevel.TRACE : LogLevel.DEBUG);
		}
	}

	@Override
	public synchronized void start() {
		for (Managed managed : this.sockets) {
			startSocket(managed);
		}
		this.running = true;
	}

	private void startSocket(Managed managed) {
		if (managed.socket.state() != MeshSocket.State.NEW) {
			return;
		}
		try {
			managed.socket.start();
		}
		catch (SyncSocketException ex) {
			String prefix = SyncSocketAutoConfiguration.DEFAULT_SOCKET_NAME.equals(managed.name) ? "sync."
					: "sync.sockets." + managed.name + ".";
			throw new IllegalStateException("Cannot start sync socket '" + managed.name + "' (check " + prefix
					+ "addr, " + prefix + "port and, with TLS, " + prefix + "ssl.*): " + ex.getMessage(), ex);
		}
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		for (int i = this.sockets.size() - 1; i >= 0; i--) {
			Managed managed = this.sockets.get(i);
			managed.socket.close();
			managed.dispatcher.shutdown();
			try {
				if (!managed.dispatcher.awaitTermination(5, TimeUnit.SECONDS)) {
					logger.warn("Event dispatcher of sync socket '{}' did not finish in 5 s", managed.name);
					managed.dispatcher.shutdownNow();
				}
			}
			catch (InterruptedException ex) {
				managed.dispatcher.shutdownNow();
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private record Managed(String name, SyncSocket socket, ExecutorService dispatcher) {
	}

	/** Publishes a socket's changes and peers as application events (on its dispatcher). */
	private static final class EventBridge implements SyncListener, PeerListener {

		private final SyncSocket socket;

		private final String name;

		private final ApplicationEventPublisher publisher;

		EventBridge(SyncSocket socket, String name, ApplicationEventPublisher publisher) {
			this.socket = socket;
			this.name = name;
			this.publisher = publisher;
		}

		@Override
		public void onUpdate(SyncEvent event) {
			this.publisher.publishEvent(new SyncKeyUpdatedEvent(this.socket, this.name, event));
		}

		@Override
		public void onDelete(SyncEvent event) {
			this.publisher.publishEvent(new SyncKeyDeletedEvent(this.socket, this.name, event));
		}

		@Override
		public void peerConnected(Peer peer) {
			this.publisher.publishEvent(new SyncPeerConnectedEvent(this.socket, this.name, peer));
		}

		@Override
		public void peerDisconnected(Peer peer) {
			this.publisher.publishEvent(new SyncPeerDisconnectedEvent(this.socket, this.name, peer));
		}

	}

}
