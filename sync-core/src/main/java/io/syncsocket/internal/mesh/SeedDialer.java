package io.syncsocket.internal.mesh;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.syncsocket.MeshOptions;
import io.syncsocket.Peer;
import io.syncsocket.SeedProvider;
import io.syncsocket.internal.mesh.Seed.Target;
import io.syncsocket.internal.mesh.SeedLookups.Resolved;
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
 * Threading: confined to the node loop; the look-ups run on the threads of
 * {@link SeedLookups}, which hands their results back to the node loop. Dials go through
 * {@link Dials} like every other dial of the node.
 */
final class SeedDialer {

	private static final Logger logger = LoggerFactory.getLogger(SeedDialer.class);

	private static final Duration TICK = Duration.ofMillis(250);

	/** How often an address that keeps failing is mentioned again above DEBUG. */
	private static final Duration REPEAT_LOG_INTERVAL = Duration.ofMinutes(10);

	private final NodeExecutor loop;

	private final Dials dials;

	private final LinkTable links;

	private final SeedLookups lookups;

	private final Duration initialDelay;

	private final Duration maxDelay;

	private final List<Seed> seeds = new ArrayList<>();

	private boolean stopped;

	SeedDialer(MeshOptions options, NodeExecutor loop, Dials dials, LinkTable links) {
		this.loop = loop;
		this.dials = dials;
		this.links = links;
		this.lookups = new SeedLookups(loop, ((options.name() != null) ? options.name() : "syncsocket") + "-seeds-");
		this.initialDelay = options.seeding().retryInitial();
		this.maxDelay = options.seeding().retryMax();
		for (InetSocketAddress address : options.seeds()) {
			this.seeds.add(new Seed(address.getHostString(), address.getPort(), null, loop.nanoTime()));
		}
		SeedProvider provider = options.seeding().provider();
		if (provider != null) {
			this.seeds.add(new Seed(String.valueOf(provider), 0, provider, loop.nanoTime()));
		}
	}

	/** Replaces how seed names are resolved; before {@link #start}. */
	void resolver(SeedLookups.Resolver resolver) {
		this.lookups.resolver(resolver);
	}

	/**
	 * @param bound the address this node listens on
	 * @param advertised the (unresolved) address this node tells peers to dial
	 */
	void start(InetSocketAddress bound, InetSocketAddress advertised) {
		if (this.seeds.isEmpty() || this.stopped) {
			return;
		}
		this.lookups.start(this.seeds.size(), bound, advertised);
		tick();
	}

	void stop() {
		this.stopped = true;
		this.lookups.stop();
	}

	private void tick() {
		if (this.stopped) {
			return;
		}
		long now = this.loop.nanoTime();
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
		this.loop.schedule(this::tick, TICK);
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
		return target.peerId != null && this.links.isRouted(target.peerId);
	}

	private void resolve(Seed seed) {
		seed.resolving = true;
		if (!this.lookups.lookUp(seed.host, seed.port, seed.provider,
				(addresses, failure) -> resolved(seed, addresses, failure))) {
			seed.resolving = false;
		}
	}

	private void resolved(Seed seed, @Nullable List<Resolved> addresses, @Nullable Throwable failure) {
		seed.resolving = false;
		if (this.stopped) {
			return;
		}
		long now = this.loop.nanoTime();
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
	 * Takes the addresses just resolved as the seed's targets, and logs them if they
	 * changed.
	 * @return whether the set of addresses changed
	 */
	private boolean update(Seed seed, List<Resolved> addresses) {
		boolean first = !seed.resolvedOnce;
		boolean changed = seed.update(addresses, this.loop::nanoTime);
		if (changed) {
			if (!first || !seed.isLiteral(addresses)) {
				logger.info("Seed {} resolves to {}", seed, seed.describe(addresses));
			}
			else {
				logger.debug("Seed {} resolves to {}", seed, seed.describe(addresses));
			}
		}
		return changed;
	}

	private void dial(Seed seed, Target target) {
		target.dialing = true;
		InetSocketAddress address = target.address;
		// an address literal: the transport has nothing left to resolve
		this.dials.connect(address.getAddress().getHostAddress(), address.getPort())
			.whenComplete((peer, failure) -> this.loop.execute(() -> dialed(seed, target, peer, failure)));
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
			target.nextAttemptNanos = this.loop.nanoTime();
			return;
		}
		if (failure instanceof SelfConnectionException) {
			// This node under an address it cannot tell is its own (NAT, a proxy): only
			// this address, and only for the longest backoff, as it may be another node's
			// later (a reused pod IP).
			target.attempts++;
			target.nextAttemptNanos = this.loop.nanoTime() + this.maxDelay.toNanos();
			logger.debug("Seed {} at {} is this node; trying that address again in {}", seed, target, this.maxDelay);
			return;
		}
		long delay = backoffNanos(target.attempts++);
		long now = this.loop.nanoTime();
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

}
