package io.syncsocket.internal.mesh;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import io.syncsocket.SeedProvider;
import io.syncsocket.internal.mesh.SeedLookups.Resolved;
import org.jspecify.annotations.Nullable;

/**
 * One configured seed, a name (or address literal) and port or a {@link SeedProvider},
 * with its look-up state and the addresses its last look-up found ({@link Target}s, each
 * with its own dial state). {@link SeedDialer} decides when each is looked up and dialed.
 * Node loop.
 */
final class Seed {

	/** The name to look up, or the provider's name for the log. */
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

	/**
	 * Replaces the targets by the addresses just resolved, keeping the state of those
	 * that remain. A target that is gone is forgotten (its link, if any, stays up).
	 * @param nanoTime stamps a new target as due from the moment it is made
	 * @return whether the set of addresses changed
	 */
	boolean update(List<Resolved> addresses, LongSupplier nanoTime) {
		Map<InetSocketAddress, Target> targets = new LinkedHashMap<>();
		for (Resolved resolved : addresses) {
			Target target = this.targets.get(resolved.address());
			if (target == null) {
				target = new Target(resolved.address(), this.provider != null, nanoTime.getAsLong());
			}
			target.self = resolved.self();
			targets.put(resolved.address(), target);
		}
		boolean changed = !targets.keySet().equals(this.targets.keySet());
		this.targets = targets;
		this.resolvedOnce = true;
		return changed;
	}

	/** Whether the look-up only confirmed an address literal (not worth an INFO line). */
	boolean isLiteral(List<Resolved> addresses) {
		return this.provider == null && addresses.size() == 1
				&& addresses.get(0).address().getAddress().getHostAddress().equals(this.host);
	}

	String describe(List<Resolved> addresses) {
		List<String> texts = new ArrayList<>(addresses.size());
		for (Resolved resolved : addresses) {
			InetSocketAddress address = resolved.address();
			// a provider's seeds may differ in port too
			String port = (this.provider != null) ? ":" + address.getPort() : "";
			texts.add(address.getAddress().getHostAddress() + port + (resolved.self() ? " (this node)" : ""));
		}
		return texts.toString();
	}

	@Override
	public String toString() {
		if (this.provider != null) {
			return this.host;
		}
		return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
	}

	/** One resolved address of a seed. Node loop. */
	static final class Target {

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

}
