package io.syncsocket.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.syncsocket.MeshOptions;
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

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Creates the auto-configured sockets and runs them with the application context: they
 * bind and dial their seeds on start, in a phase before the web server starts, and close
 * (links, Netty threads, event dispatcher) on stop, after the web server has stopped.
 *
 * <p>
 * The lifecycle is not {@linkplain #isPauseable() pauseable}: a paused context (Spring
 * Framework 7 pauses the cached contexts of a test suite that another test class is not
 * using) leaves its sockets running, with their port, node id and data, so a later test
 * class finds them as it left them. An explicit context {@code stop()} closes the sockets
 * and a later {@code start()} starts the same {@link SyncSocket} beans again: each
 * rejoins its mesh with the dictionary filled again from its peers, and with its node id
 * back where its port is fixed (the id is derived from the node name and the advertised
 * address), so it can rewrite the keys it leased; where port 0 is configured it gets a
 * new port and id, and keys that the previous id leased stay leased to it for the lease
 * time. {@link #isRunning()} is true only while every socket runs.
 *
 * <p>
 * Each socket gets a single-threaded event dispatcher that delivers its listeners and
 * publishes its {@link SyncSocketEvent}s in commit order, off the socket's own threads.
 */
class SyncSocketLifecycle implements SmartLifecycle, DisposableBean {

	/** Starts before the web server ({@code DEFAULT_PHASE - 2048}) and stops after it. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Logger logger = LoggerFactory.getLogger(SyncSocketLifecycle.class);

	private static final String PORTS_PROPERTY_SOURCE = "sync.ports";

	private final SyncSocketProperties properties;

	private final ObjectProvider<SyncSocketCustomizer> customizers;

	private final ApplicationEventPublisher publisher;

	private final Supplier<@Nullable SslBundles> sslBundles;

	private final String applicationName;

	private final Supplier<@Nullable DiscoverySeeds> discovery;

	private final List<Managed> sockets = new ArrayList<>();

	/**
	 * Where the bound ports are published ({@code local.sync.port}); null in unit tests.
	 */
	private @Nullable ConfigurableEnvironment environment;

	private volatile boolean running;

	/**
	 * A lifecycle that resolves {@code sync.ssl.bundle} through the context's
	 * {@link SslBundles} and names its nodes after the application unless
	 * {@code sync.node-id} or {@code sync.node-name} is set, and that finds seeds through
	 * {@code discovery} (null without Spring Cloud's DiscoveryClient).
	 */
	SyncSocketLifecycle(SyncSocketProperties properties, ObjectProvider<SyncSocketCustomizer> customizers,
			ApplicationEventPublisher publisher, Supplier<@Nullable SslBundles> sslBundles, String applicationName,
			Supplier<@Nullable DiscoverySeeds> discovery) {
		this.applicationName = applicationName;
		this.discovery = discovery;
		this.properties = properties;
		this.customizers = customizers;
		this.publisher = publisher;
		this.sslBundles = sslBundles;
	}

	/**
	 * Publishes each socket's bound port once it starts: {@code local.sync.port} for the
	 * default socket, {@code local.sync.sockets.<name>.port} for a named one (as
	 * {@code local.server.port} is for the web server), so a test can dial it.
	 */
	void publishPortsTo(ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	/** Creates (but does not start) the socket with the given name. */
	public synchronized SyncSocket create(String name) {
		SyncOptionsMapper mapper = new SyncOptionsMapper(this.properties, name, this.sslBundles, this.applicationName,
				this.discovery);
		SyncOptions.Builder builder = mapper.map("sync-" + name);
		EventDispatcher dispatcher = new EventDispatcher("sync-" + name + "-events");
		builder.mesh((mesh) -> mesh.threads((threads) -> threads.listenerExecutor(dispatcher)));
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

	/**
	 * Starts every socket that is not running: new ones, and those a {@link #stop()}
	 * closed.
	 */
	@Override
	public synchronized void start() {
		try {
			for (Managed managed : this.sockets) {
				startSocket(managed);
			}
		}
		catch (RuntimeException ex) {
			stop();
			throw ex;
		}
		this.running = true;
	}

	private void startSocket(Managed managed) {
		MeshSocket.State state = managed.socket.state();
		if (state != MeshSocket.State.NEW && state != MeshSocket.State.CLOSED) {
			return;
		}
		managed.dispatcher.start();
		try {
			managed.socket.start();
			publishPort(managed);
		}
		catch (SyncSocketException ex) {
			String prefix = SyncSocketAutoConfiguration.DEFAULT_SOCKET_NAME.equals(managed.name) ? "sync."
					: "sync.sockets." + managed.name + ".";
			MeshOptions options = managed.socket.options();
			throw new SyncSocketStartException(managed.name, prefix, options.bindAddress() + ":" + options.port(), ex);
		}
	}

	private void publishPort(Managed managed) {
		ConfigurableEnvironment environment = this.environment;
		if (environment == null) {
			return;
		}
		MutablePropertySources sources = environment.getPropertySources();
		PropertySource<?> source = sources.get(PORTS_PROPERTY_SOURCE);
		MapPropertySource ports;
		if (source instanceof MapPropertySource existing) {
			ports = existing;
		}
		else {
			ports = new MapPropertySource(PORTS_PROPERTY_SOURCE, new java.util.LinkedHashMap<>());
			sources.addFirst(ports);
		}
		String property = SyncSocketAutoConfiguration.DEFAULT_SOCKET_NAME.equals(managed.name) ? "local.sync.port"
				: "local.sync.sockets." + managed.name + ".port";
		ports.getSource().put(property, managed.socket.boundAddress().getPort());
	}

	/**
	 * Closes every socket and ends its event dispatcher, once the queued events are
	 * delivered.
	 */
	@Override
	public synchronized void stop() {
		this.running = false;
		for (int i = this.sockets.size() - 1; i >= 0; i--) {
			Managed managed = this.sockets.get(i);
			managed.socket.close();
			managed.dispatcher.stop(managed.name);
		}
	}

	/** True while the context started the sockets and every one of them runs. */
	@Override
	public synchronized boolean isRunning() {
		if (!this.running) {
			return false;
		}
		for (Managed managed : this.sockets) {
			if (managed.socket.state() != MeshSocket.State.RUNNING) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Not pauseable: a paused context keeps its sockets in the mesh (only a context stop
	 * or close stops them). A socket cannot pause without leaving the mesh, and leaving
	 * it would cost its port and node id and, for a lone node, its data.
	 */
	@Override
	public boolean isPauseable() {
		return false;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * Closes whatever a failed or skipped {@link #stop()} left (the sockets are closed
	 * idempotently).
	 */
	@Override
	public void destroy() {
		stop();
	}

	private record Managed(String name, SyncSocket socket, EventDispatcher dispatcher) {
	}

	/**
	 * A socket's listener executor for the whole life of the socket bean: one thread,
	 * started with the socket and ended when it stops, and again on a restart (the
	 * socket's options, which hold the executor, cannot change).
	 */
	private static final class EventDispatcher implements Executor {

		private final String threadName;

		private volatile @Nullable ExecutorService executor;

		EventDispatcher(String threadName) {
			this.threadName = threadName;
		}

		synchronized void start() {
			ExecutorService executor = this.executor;
			if (executor == null || executor.isShutdown()) {
				this.executor = Executors.newSingleThreadExecutor((runnable) -> {
					Thread thread = new Thread(runnable, this.threadName);
					thread.setDaemon(true);
					return thread;
				});
			}
		}

		@Override
		public void execute(Runnable command) {
			ExecutorService executor = this.executor;
			if (executor == null) {
				throw new RejectedExecutionException(this.threadName + " is not started");
			}
			executor.execute(command);
		}

		synchronized void stop(String socketName) {
			ExecutorService executor = this.executor;
			if (executor == null) {
				return;
			}
			executor.shutdown();
			try {
				if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
					logger.warn("Event dispatcher of sync socket '{}' did not finish in 5 s", socketName);
					executor.shutdownNow();
				}
			}
			catch (InterruptedException ex) {
				executor.shutdownNow();
				Thread.currentThread().interrupt();
			}
		}

	}

	/**
	 * Publishes a socket's changes and peers as application events (on its dispatcher).
	 */
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
