package io.syncsocket.internal.mesh;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.syncsocket.MeshOptions;
import io.syncsocket.Peer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node connected to its seeds: dials each at start and again, with exponential
 * backoff, whenever no link to that seed's node exists. A seed counts as connected while any
 * link (ours or its) to the node id first reached through it is up, so duplicate-link
 * resolution never causes re-dials. A seed that turns out to be this node is dropped.
 * Confined to the node loop.
 */
final class SeedDialer {

	private static final Logger logger = LoggerFactory.getLogger(SeedDialer.class);

	private static final Duration TICK = Duration.ofMillis(250);

	private final MeshNode node;

	private final Duration initialDelay;

	private final Duration maxDelay;

	private final List<Seed> seeds = new ArrayList<>();

	private boolean stopped;

	SeedDialer(MeshNode node, MeshOptions options) {
		this.node = node;
		this.initialDelay = options.seedRetryInitial();
		this.maxDelay = options.seedRetryMax();
		for (InetSocketAddress address : options.seeds()) {
			this.seeds.add(new Seed(address));
		}
	}

	/** @param boundPort the port this node listens on, to recognise seeds that are this node */
	void start(int boundPort) {
		for (Seed seed : this.seeds) {
			if (this.node.isLocalAddress(seed.address, boundPort)) {
				// every instance given the same seed list: not a peer, never dialed
				logger.debug("Seed {} is this node; not dialing it", seed.address);
				seed.self = true;
			}
		}
		if (!this.seeds.isEmpty()) {
			tick();
		}
	}

	void stop() {
		this.stopped = true;
	}

	private void tick() {
		if (this.stopped) {
			return;
		}
		long now = System.nanoTime();
		for (Seed seed : this.seeds) {
			if (seed.dialing || seed.self || seed.nextAttemptNanos - now > 0 || isConnected(seed)) {
				continue;
			}
			dial(seed);
		}
		this.node.loop().schedule(this::tick, TICK);
	}

	private boolean isConnected(Seed seed) {
		if (seed.peerId == null) {
			return false;
		}
		for (Peer peer : this.node.peers()) {
			if (peer.id().equals(seed.peerId)) {
				return true;
			}
		}
		return false;
	}

	private void dial(Seed seed) {
		seed.dialing = true;
		InetSocketAddress address = seed.address;
		this.node.connect(address.getHostString(), address.getPort())
			.whenComplete((peer, failure) -> this.node.loop().execute(() -> dialed(seed, peer, failure)));
	}

	private void dialed(Seed seed, @Nullable Peer peer, @Nullable Throwable failure) {
		seed.dialing = false;
		if (peer != null) {
			if (seed.attempts > 0 || seed.peerId == null) {
				logger.info("Connected to seed {} (node {})", seed.address, Connection.abbreviate(peer.id()));
			}
			seed.peerId = peer.id();
			seed.attempts = 0;
			return;
		}
		if (failure instanceof MeshNode.SelfConnectionException) {
			logger.debug("Seed {} is this node; not dialing it again", seed.address);
			seed.self = true;
			return;
		}
		long delay = backoffNanos(seed.attempts++);
		seed.nextAttemptNanos = System.nanoTime() + delay;
		if (seed.attempts == 1 || seed.attempts % 10 == 0) {
			logger.info("Seed {} unreachable ({}); retrying in {} ms", seed.address,
					(failure != null) ? failure.getMessage() : "closed", delay / 1_000_000);
		}
	}

	private long backoffNanos(int attempts) {
		long delay = this.initialDelay.toNanos() << Math.min(attempts, 20);
		return Math.min(delay, this.maxDelay.toNanos());
	}

	private static final class Seed {

		final InetSocketAddress address;

		@Nullable String peerId;

		boolean dialing;

		boolean self;

		int attempts;

		long nextAttemptNanos = System.nanoTime();

		Seed(InetSocketAddress address) {
			this.address = address;
		}

	}

}
