package io.syncsocket.internal.mesh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.syncsocket.MeshOptions;
import io.syncsocket.Peer;
import io.syncsocket.SeedProvider;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node connected to its seeds. A seed is a {@code host:port} whose host may be
 * a name with several addresses (a Kubernetes headless service, a DNS round robin): it is
 * resolved to all of them and each address is a dial target of its own, dialed at start
 * and again, with exponential backoff per address, whenever no link to the node first
 * reached through it exists. The name is looked up again before every retry round (and,
 * while there is nothing to dial, periodically with the same backoff), so that new and
 * replaced nodes are found; a name is never given up. A {@link SeedProvider} is one more
 * seed whose look-up asks the provider and resolves each address it returns.
 *
 * <p>
 * An address that is exactly this node's bound address (any local address for a wildcard
 * bind) or its advertised address, on that port, is skipped. A dial that reaches this
 * node anyway ({@link SelfConnectionException}) puts off that one address by the longest
 * backoff, never the name or its other addresses. A target counts as connected while any
 * link (ours or its) to its node id is up, so duplicate-link resolution never causes
 * re-dials.
 *
 * <p>
 * Threading: confined to the node loop, except the look-ups (and the local-address
 * checks, which read the network interfaces), which run on a small executor this dialer
 * owns and shuts down in {@link #stop()}; their results are handed back to the node loop.
 * No name is ever resolved on the node loop or while the node lock is held.
 */
final class SeedDialer {

	private static final Logger logger = LoggerFactory.getLogger(SeedDialer.class);

	private static final Duration TICK = Duration.ofMillis(250);

	/** How often an address that keeps failing is mentioned again above DEBUG. */
	private static final Duration REPEAT_LOG_INTERVAL = Duration.ofMinutes(10);

	private static final int MAX_RESOLVER_THREADS = 4;

	private static final AtomicInteger resolverThreads = new AtomicInteger();

	/**
	 * Looks up every address of a host name (a seam for tests;
	 * {@link InetAddress#getAllByName} otherwise).
	 */
	@FunctionalInterface
	interface Resolver {

		InetAddress[] resolve(String host) throws UnknownHostException;

	}

	/** What the dialer needs of its node. */
	interface Mesh {

		NodeExecutor loop();

		/** The handshaken peers. */
		List<Peer> peers();

		/** Dials; completes with the peer once its handshake is accepted. */
		CompletableFuture<Peer> connect(String host, int port);

	}

	private final Mesh node;

	private final Duration initialDelay;

	private final Duration maxDelay;

	private final String threadNamePrefix;

	private final List<Seed> seeds = new ArrayList<>();

	private Resolver resolver = InetAddress::getAllByName;

	private @Nullable ExecutorService executor;

	private @Nullable SelfAddresses self;

	private boolean stopped;

	SeedDialer(Mesh node, MeshOptions options) {
		this.node = node;
		this.initialDelay = options.seeding().retryInitial();
		this.maxDelay = options.seeding().retryMax();
		this.threadNamePrefix = ((options.name() != null) ? options.name() : "syncsocket") + "-seeds-";
		for (InetSocketAddress address : options.seeds()) {
			this.seeds.add(new Seed(address.getHostString(), address.getPort(), null, node.loop().nanoTime()));
		}
		SeedProvider provider = options.seeding().provider();
		if (provider != null) {
			this.seeds.add(new Seed(String.valueOf(provider), 0, provider, node.loop().nanoTime()));
		}
	}

	/** Replaces the resolver; before {@link #start}. */
	void resolver(Resolver resolver) {
		this.resolver = resolver;
	}

	/**
	 * @param bound the address this node listens on
	 * @param advertised the (unresolved) address this node tells peers to dial
	 */
	void start(InetSocketAddress bound, InetSocketAddress advertised) {
		if (this.seeds.isEmpty() || this.stopped) {
			return;
		}
		this.self = new SelfAddresses(bound, advertised);
		int threads = Math.min(this.seeds.size(), MAX_RESOLVER_THREADS);
		ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, this.threadNamePrefix + resolverThreads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		// idle threads end after 10 s: none is kept between the rounds of a settled mesh
		executor.allowCoreThreadTimeOut(true);
		this.executor = executor;
		tick();
	}

	void stop() {
		this.stopped = true;
		ExecutorService executor = this.executor;
		if (executor != null) {
			// a look-up in progress cannot be interrupted; its thread is a daemon and its
			// result is dropped
			executor.shutdownNow();
		}
	}

	private void tick() {
		if (this.stopped) {
			return;
		}
		long now = this.node.loop().nanoTime();
		for (Seed seed : this.seeds) {
			if (seed.resolving) {
				continue;
			}
			if (isLookUpDue(seed, now)) {
				resolve(seed);
			}
			else if (seed.lookupFailed) {
				// the name does not resolve now: dial the addresses of its last answer
				// meanwhile
				dialDueTargets(seed, now);
			}
		}
		this.node.loop().schedule(this::tick, TICK);
	}

	/**
	 * A seed is looked up when its periodic look-up is due and, unless its last look-up
	 * failed, whenever one of its addresses is due for a dial (each retry round).
	 */
	private boolean isLookUpDue(Seed seed, long now) {
		if (now - seed.nextLookupNanos >= 0) {
			return true;
		}
		return !seed.lookupFailed && hasDueTarget(seed, now);
	}

	private void dialDueTargets(Seed seed, long now) {
		for (Target target : seed.targets.values()) {
			if (isDue(target, now)) {
				dial(seed, target);
			}
		}
	}

	private boolean hasDueTarget(Seed seed, long now) {
		for (Target target : seed.targets.values()) {
			if (isDue(target, now)) {
				return true;
			}
		}
		return false;
	}

	private boolean isDue(Target target, long now) {
		return !target.dialing && !target.self && now - target.nextAttemptNanos >= 0 && !isConnected(target);
	}

	private boolean isConnected(Target target) {
		if (target.peerId == null) {
			return false;
		}
		for (Peer peer : this.node.peers()) {
			if (peer.id().equals(target.peerId)) {
				return true;
			}
		}
		return false;
	}

	private void resolve(Seed seed) {
		ExecutorService executor = this.executor;
		SelfAddresses self = this.self;
		if (executor == null || self == null) {
			return;
		}
		Resolver resolver = this.resolver;
		String host = seed.host;
		int port = seed.port;
		SeedProvider provider = seed.provider;
		seed.resolving = true;
		try {
			CompletableFuture.supplyAsync(() -> {
				try {
					return (provider != null) ? lookUp(resolver, provider, self) : lookUp(resolver, host, port, self);
				}
				catch (Exception ex) {
					throw new CompletionException(ex);
				}
			}, executor)
				.whenComplete(
						(addresses, failure) -> this.node.loop().execute(() -> resolved(seed, addresses, failure)));
		}
		catch (RejectedExecutionException ex) {
			// stopped meanwhile
			seed.resolving = false;
		}
	}

	/** Resolver thread: every address of the seed, each with whether it is this node. */
	private static List<Resolved> lookUp(Resolver resolver, String host, int port, SelfAddresses self)
			throws UnknownHostException {
		Set<InetAddress> addresses = new LinkedHashSet<>(List.of(resolver.resolve(host)));
		List<InetAddress> advertised = self.advertisedAddresses(resolver);
		List<Resolved> resolved = new ArrayList<>(addresses.size());
		for (InetAddress address : addresses) {
			InetSocketAddress target = new InetSocketAddress(address, port);
			resolved.add(new Resolved(target, self.contains(target, advertised)));
		}
		return resolved;
	}

	/**
	 * Resolver thread: every address of every seed the provider returns; a name among
	 * them that does not resolve now is left out.
	 */
	private static List<Resolved> lookUp(Resolver resolver, SeedProvider provider, SelfAddresses self)
			throws Exception {
		List<Resolved> resolved = new ArrayList<>();
		for (InetSocketAddress seed : provider.seeds()) {
			try {
				for (Resolved address : lookUp(resolver, seed.getHostString(), seed.getPort(), self)) {
					if (!resolved.contains(address)) {
						resolved.add(address);
					}
				}
			}
			catch (UnknownHostException ex) {
				logger.debug("Seed {} from {} does not resolve ({})", seed.getHostString(), provider, ex.getMessage());
			}
		}
		return resolved;
	}

	private void resolved(Seed seed, @Nullable List<Resolved> addresses, @Nullable Throwable failure) {
		seed.resolving = false;
		if (this.stopped) {
			return;
		}
		long now = this.node.loop().nanoTime();
		if (addresses == null) {
			Throwable cause = (failure != null && failure.getCause() != null) ? failure.getCause() : failure;
			seed.lookupFailed = true;
			long delay = backoffNanos(seed.lookupFailures++);
			seed.nextLookupNanos = now + delay;
			if (seed.lookupFailures == 1 || seed.lookupFailures % 10 == 0) {
				logger.info("Cannot resolve seed {} ({}); {} known address(es) still dialed, looking up again in {} ms",
						seed, cause, seed.targets.size(), delay / 1_000_000);
			}
		}
		else {
			seed.lookupFailed = false;
			seed.lookupFailures = 0;
			if (update(seed, addresses)) {
				// the records changed: look again soon
				seed.lookupRounds = 0;
			}
			seed.nextLookupNanos = now + backoffNanos(seed.lookupRounds++);
		}
		dialDueTargets(seed, now);
	}

	/**
	 * Replaces the seed's targets by the addresses just resolved, keeping the state of
	 * those that remain. A target that is gone is forgotten (its link, if any, stays up).
	 * @return whether the set of addresses changed
	 */
	private boolean update(Seed seed, List<Resolved> addresses) {
		Map<InetSocketAddress, Target> targets = new LinkedHashMap<>();
		for (Resolved resolved : addresses) {
			Target target = seed.targets.get(resolved.address());
			if (target == null) {
				target = new Target(resolved.address(), seed.provider != null, this.node.loop().nanoTime());
			}
			target.self = resolved.self();
			targets.put(resolved.address(), target);
		}
		boolean changed = !targets.keySet().equals(seed.targets.keySet());
		boolean first = !seed.resolvedOnce;
		seed.targets = targets;
		seed.resolvedOnce = true;
		if (changed) {
			if (!first || !isLiteral(seed, addresses)) {
				logger.info("Seed {} resolves to {}", seed, describe(seed, addresses));
			}
			else {
				logger.debug("Seed {} resolves to {}", seed, describe(seed, addresses));
			}
		}
		return changed;
	}

	private static boolean isLiteral(Seed seed, List<Resolved> addresses) {
		return seed.provider == null && addresses.size() == 1
				&& addresses.get(0).address().getAddress().getHostAddress().equals(seed.host);
	}

	private static String describe(Seed seed, List<Resolved> addresses) {
		List<String> texts = new ArrayList<>(addresses.size());
		for (Resolved resolved : addresses) {
			InetSocketAddress address = resolved.address();
			// a provider's seeds may differ in port too
			String port = (seed.provider != null) ? ":" + address.getPort() : "";
			texts.add(address.getAddress().getHostAddress() + port + (resolved.self() ? " (this node)" : ""));
		}
		return texts.toString();
	}

	private void dial(Seed seed, Target target) {
		target.dialing = true;
		InetSocketAddress address = target.address;
		// an address literal: the transport has nothing left to resolve
		this.node.connect(address.getAddress().getHostAddress(), address.getPort())
			.whenComplete((peer, failure) -> this.node.loop().execute(() -> dialed(seed, target, peer, failure)));
	}

	private void dialed(Seed seed, Target target, @Nullable Peer peer, @Nullable Throwable failure) {
		target.dialing = false;
		if (peer != null) {
			if (target.attempts > 0) {
				logger.info("Connected to seed {} at {} (node {}) after {} failed attempt(s)", seed, target,
						Connection.abbreviate(peer.id()), target.attempts);
			}
			else if (target.peerId == null) {
				logger.info("Connected to seed {} at {} (node {})", seed, target, Connection.abbreviate(peer.id()));
			}
			target.peerId = peer.id();
			target.attempts = 0;
			target.nextAttemptNanos = this.node.loop().nanoTime();
			return;
		}
		if (failure instanceof SelfConnectionException) {
			// This node under an address it cannot tell is its own (NAT, a proxy): only
			// this address, and only for the longest backoff, as it may be another node's
			// later (a reused pod IP).
			target.attempts++;
			target.nextAttemptNanos = this.node.loop().nanoTime() + this.maxDelay.toNanos();
			logger.debug("Seed {} at {} is this node; trying that address again in {}", seed, target, this.maxDelay);
			return;
		}
		long delay = backoffNanos(target.attempts++);
		long now = this.node.loop().nanoTime();
		target.nextAttemptNanos = now + delay;
		String reason = (failure != null) ? failure.getMessage() : "closed";
		// once at WARN, then a reminder at most every REPEAT_LOG_INTERVAL: an unreachable
		// seed (a peer not started yet, a wrong port) must not flood the log
		if (target.attempts == 1) {
			target.loggedNanos = now;
			logger.warn(
					"Seed {} at {} unreachable ({}); retrying in {} ms, backing off up to {} (repeats are logged "
							+ "at DEBUG, with a reminder every {} min)",
					seed, target, reason, delay / 1_000_000, this.maxDelay, REPEAT_LOG_INTERVAL.toMinutes());
		}
		else if (now - target.loggedNanos >= REPEAT_LOG_INTERVAL.toNanos()) {
			target.loggedNanos = now;
			logger.info("Seed {} at {} still unreachable after {} attempts ({}); retrying in {} ms", seed, target,
					target.attempts, reason, delay / 1_000_000);
		}
		else {
			logger.debug("Seed {} at {} unreachable ({}); retrying in {} ms", seed, target, reason, delay / 1_000_000);
		}
	}

	private long backoffNanos(int attempts) {
		long delay = this.initialDelay.toNanos() << Math.min(attempts, 20);
		return Math.min(delay, this.maxDelay.toNanos());
	}

	/**
	 * One configured seed: a name (or address literal) and port, or a provider of such
	 * seeds (then {@code host} is its name for the log). Node loop.
	 */
	private static final class Seed {

		final String host;

		final int port;

		final @Nullable SeedProvider provider;

		Map<InetSocketAddress, Target> targets = new LinkedHashMap<>();

		boolean resolving;

		boolean resolvedOnce;

		boolean lookupFailed;

		int lookupFailures;

		/**
		 * Look-ups since the records last changed, for the backoff of periodic look-ups.
		 */
		int lookupRounds;

		long nextLookupNanos;

		Seed(String host, int port, @Nullable SeedProvider provider, long now) {
			this.host = host;
			this.port = port;
			this.provider = provider;
			this.nextLookupNanos = now;
		}

		@Override
		public String toString() {
			if (this.provider != null) {
				return this.host;
			}
			return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
		}

	}

	/** One resolved address of a seed. Node loop. */
	private static final class Target {

		final InetSocketAddress address;

		/** Whether the log names the port too (a provider's seeds may differ in port). */
		final boolean showPort;

		/** The node first reached through this address. */
		@Nullable String peerId;

		boolean dialing;

		/** This node's own address, as of the last look-up. */
		boolean self;

		int attempts;

		long nextAttemptNanos;

		/** When a failure of this address was last logged above DEBUG. */
		long loggedNanos;

		Target(InetSocketAddress address, boolean showPort, long now) {
			this.address = address;
			this.showPort = showPort;
			this.nextAttemptNanos = now;
		}

		@Override
		public String toString() {
			String host = this.address.getAddress().getHostAddress();
			return this.showPort ? host + ":" + this.address.getPort() : host;
		}

	}

	private record Resolved(InetSocketAddress address, boolean self) {
	}

	/**
	 * What dialing would reach this node: its bound address and port (for a wildcard
	 * bind, every local address on that port) and its advertised address and port.
	 * Immutable; used on the resolver threads.
	 */
	private record SelfAddresses(InetSocketAddress bound, InetSocketAddress advertised) {

		/**
		 * Resolver thread: the addresses of the advertised host (usually an address
		 * literal).
		 */
		List<InetAddress> advertisedAddresses(Resolver resolver) {
			try {
				return List.of(resolver.resolve(this.advertised.getHostString()));
			}
			catch (UnknownHostException ex) {
				// an advertised name that does not resolve here reaches nothing of ours
				return List.of();
			}
		}

		/** Resolver thread: may read the network interfaces. */
		boolean contains(InetSocketAddress target, List<InetAddress> advertisedAddresses) {
			InetAddress address = target.getAddress();
			if (target.getPort() == this.bound.getPort()) {
				InetAddress boundAddress = this.bound.getAddress();
				if (address.equals(boundAddress) || (boundAddress.isAnyLocalAddress() && isLocal(address))) {
					return true;
				}
			}
			return target.getPort() == this.advertised.getPort() && advertisedAddresses.contains(address);
		}

		private static boolean isLocal(InetAddress address) {
			if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
				return true;
			}
			try {
				return NetworkInterface.getByInetAddress(address) != null;
			}
			catch (IOException ex) {
				return false;
			}
		}

	}

}
