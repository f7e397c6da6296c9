package io.syncsocket.internal.mesh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import io.syncsocket.SeedProvider;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up seeds off the node loop: a name to every address it has, or a
 * {@link SeedProvider} to every address of every seed it returns, each address marked if
 * dialing it would reach this node (its bound address, any local address for a wildcard
 * bind, or its advertised address, on that port).
 *
 * <p>
 * Threading: the look-ups (and the local-address checks, which read the network
 * interfaces) run on up to four daemon threads this class owns, made by {@link #start}
 * and shut down by {@link #stop}; each answer is handed back to the node loop. No name is
 * ever resolved on the node loop or while the node lock is held.
 */
final class SeedLookups {

	private static final Logger logger = LoggerFactory.getLogger(SeedLookups.class);

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

	/** One address a look-up found, and whether it is this node. */
	record Resolved(InetSocketAddress address, boolean self) {
	}

	private final NodeExecutor loop;

	private final String threadNamePrefix;

	private Resolver resolver = InetAddress::getAllByName;

	private @Nullable ExecutorService executor;

	private @Nullable SelfAddresses self;

	/**
	 * @param threadNamePrefix names the look-up threads, followed by a number
	 */
	SeedLookups(NodeExecutor loop, String threadNamePrefix) {
		this.loop = loop;
		this.threadNamePrefix = threadNamePrefix;
	}

	/** Replaces the resolver; before {@link #start}. */
	void resolver(Resolver resolver) {
		this.resolver = resolver;
	}

	/**
	 * @param seeds how many seeds there are: one thread each, at most four
	 * @param bound the address this node listens on
	 * @param advertised the (unresolved) address this node tells peers to dial
	 */
	void start(int seeds, InetSocketAddress bound, InetSocketAddress advertised) {
		this.self = new SelfAddresses(bound, advertised);
		int threads = Math.min(seeds, MAX_RESOLVER_THREADS);
		ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, this.threadNamePrefix + resolverThreads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		// idle threads end after 10 s: none is kept between the rounds of a settled mesh
		executor.allowCoreThreadTimeOut(true);
		this.executor = executor;
	}

	void stop() {
		ExecutorService executor = this.executor;
		if (executor != null) {
			// a look-up in progress cannot be interrupted; its thread is a daemon and its
			// result is dropped
			executor.shutdownNow();
		}
	}

	/**
	 * Looks up a seed: the name {@code host} with {@code port}, or the provider if there
	 * is one. Its addresses, or the failure, are handed to {@code done} on the node loop.
	 * @return false if nothing was started (not started yet, or stopped): {@code done} is
	 * never called
	 */
	boolean lookUp(String host, int port, @Nullable SeedProvider provider,
			BiConsumer<@Nullable List<Resolved>, @Nullable Throwable> done) {
		ExecutorService executor = this.executor;
		SelfAddresses self = this.self;
		if (executor == null || self == null) {
			return false;
		}
		Resolver resolver = this.resolver;
		try {
			CompletableFuture.supplyAsync(() -> {
				try {
					return (provider != null) ? lookUp(resolver, provider, self) : lookUp(resolver, host, port, self);
				}
				catch (Exception ex) {
					throw new CompletionException(ex);
				}
			}, executor).whenComplete((addresses, failure) -> this.loop.execute(() -> done.accept(addresses, failure)));
			return true;
		}
		catch (RejectedExecutionException ex) {
			// stopped meanwhile
			return false;
		}
	}

	/** Resolver thread: every address of the seed, each with whether it is this node. */
	private static List<Resolved> lookUp(Resolver resolver, String host, int port, SelfAddresses self)
			throws UnknownHostException {
		return lookUp(resolver, host, port, self, self.advertisedAddresses(resolver));
	}

	private static List<Resolved> lookUp(Resolver resolver, String host, int port, SelfAddresses self,
			List<InetAddress> advertised) throws UnknownHostException {
		Set<InetAddress> addresses = new LinkedHashSet<>(List.of(resolver.resolve(host)));
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
		List<InetAddress> advertised = self.advertisedAddresses(resolver);
		Set<Resolved> resolved = new LinkedHashSet<>();
		for (InetSocketAddress seed : provider.seeds()) {
			try {
				resolved.addAll(lookUp(resolver, seed.getHostString(), seed.getPort(), self, advertised));
			}
			catch (UnknownHostException ex) {
				logger.debug("Seed {} from {} does not resolve ({})", seed.getHostString(), provider, ex.getMessage());
			}
		}
		return List.copyOf(resolved);
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
