package io.syncsocket.internal.mesh;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.syncsocket.internal.transport.Link;

/**
 * The simulated network: addresses, dials (refused when the target is down or on the
 * other side of a partition), per-connection delays, partitions that take links down, and
 * the list of every connection made, for the link invariants.
 */
final class SimNetwork {

	private final SimWorld world;

	private final Map<String, SimNode> nodes = new HashMap<>();

	/** Partition side per host; equal sides reach each other. */
	private final Map<String, Integer> side = new HashMap<>();

	final List<SimLink> links = new ArrayList<>();

	private int linkNumbers;

	private int ephemeralPorts = 40000;

	/** Probability that a dial is refused although the target is up and reachable. */
	double refuseProbability;

	/**
	 * Probability that one direction of a new link has a slow reader (drawn from the
	 * world's slowRandom).
	 */
	double slowProbability;

	SimNetwork(SimWorld world) {
		this.world = world;
	}

	void add(SimNode node) {
		this.nodes.put(node.host() + ":" + node.port(), node);
		this.side.put(node.host(), 0);
	}

	boolean reachable(SimNode a, SimNode b) {
		return this.side.get(a.host()).equals(this.side.get(b.host()));
	}

	/**
	 * Puts these nodes on side 1, the others on side 0, and takes down every link across.
	 */
	void partition(List<SimNode> group) {
		for (SimNode node : this.nodes.values()) {
			this.side.put(node.host(), group.contains(node) ? 1 : 0);
		}
		for (SimLink link : this.links) {
			SimLink peer = link.peer;
			if (peer != null && link.isOpen() && !reachable(link.owner, peer.owner)) {
				link.sever(detectDelay());
			}
		}
	}

	void heal() {
		this.side.replaceAll((host, side) -> 0);
	}

	/**
	 * The faults stop: slow readers read at full speed again, and new links have none.
	 */
	void endSlowReaders() {
		this.slowProbability = 0;
		for (SimLink link : this.links) {
			link.fullSpeed();
		}
	}

	/** Bytes per second of a slow reader (256 B/s to 32 KiB/s), or 0 (unlimited). */
	private long slowRate() {
		if (this.slowProbability <= 0 || this.world.slowRandom.nextDouble() >= this.slowProbability) {
			return 0;
		}
		return 256L << this.world.slowRandom.nextInt(8);
	}

	/** Every link of this node goes down at once (the node crashed). */
	void crash(SimNode node) {
		for (SimLink link : this.links) {
			SimLink peer = link.peer;
			if (link.owner == node && link.isOpen()) {
				link.sever(0);
				if (peer != null) {
					peer.sever(detectDelay());
				}
			}
		}
	}

	private long detectDelay() {
		return (long) (this.world.random.nextDouble() * 2_000_000_000L);
	}

	long delay() {
		// 0.1 to 60 ms one way
		return 100_000L + (long) (this.world.random.nextDouble() * 60_000_000L);
	}

	CompletableFuture<Link> connect(SimNode from, int fromInstance, String host, int port) {
		CompletableFuture<Link> result = new CompletableFuture<>();
		long forth = delay();
		long back = delay();
		this.world.at(forth, from.name() + " dials " + host + ":" + port, () -> {
			SimNode target = this.nodes.get(host + ":" + port);
			if (target == null || !target.up() || !reachable(from, target)
					|| this.world.random.nextDouble() < this.refuseProbability) {
				this.world.at(back, from.name() + " dial refused", () -> result
					.completeExceptionally(new ConnectException("connection refused: " + host + ":" + port)));
				return;
			}
			SimLink client = new SimLink(this.world, from, true, InetSocketAddress.createUnresolved(host, port), forth,
					this.linkNumbers++);
			SimLink server = new SimLink(this.world, target, false,
					InetSocketAddress.createUnresolved(from.host(), this.ephemeralPorts++), back, client.number);
			client.peer = server;
			server.peer = client;
			client.rate = slowRate();
			server.rate = slowRate();
			this.links.add(client);
			this.links.add(server);
			server.activate();
			this.world.at(back, client + " connected", () -> {
				if (from.instance() != fromInstance || !from.up()) {
					client.close();
					return;
				}
				int order = this.world.random.nextInt(4);
				if (order == 0) {
					result.complete(client);
					client.activate();
				}
				else if (order == 1) {
					client.activate();
					result.complete(client);
				}
				else {
					// Netty may report the connect to the node loop late: after messages
					// arrived on the link, or after it closed again (docs/reliability.md,
					// bug 2 of the fault tests)
					client.activate();
					long late = (long) (this.world.random.nextDouble() * ((order == 2) ? 5_000_000L : 100_000_000L));
					this.world.at(late, client + " connect reported", () -> result.complete(client));
				}
			});
		});
		return result;
	}

}
