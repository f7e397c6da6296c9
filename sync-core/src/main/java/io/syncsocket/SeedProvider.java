package io.syncsocket;

import java.net.InetSocketAddress;
import java.util.Collection;

/**
 * A source of seed addresses that can change while the socket runs: a service registry
 * (the starter adapts Spring Cloud's {@code DiscoveryClient}), a file, an API. The socket
 * dials every address it returns, as it dials {@linkplain MeshOptions#seeds() seeds}.
 *
 * <p>
 * Called on one of the socket's resolver threads, never on the node loop: at start,
 * before every retry round while an address is unreachable, and otherwise periodically,
 * backing off from {@link MeshSeeding#retryInitial()} to {@link MeshSeeding#retryMax()}
 * while the answer stays the same (so a new instance is dialed within the maximum, 30 s
 * by default). It may block briefly. An exception counts as a failed look-up: it is
 * logged, the addresses of the last answer stay dialed, and the provider is asked again
 * with backoff.
 */
@FunctionalInterface
public interface SeedProvider {

	/**
	 * The addresses to dial now. A host may be a name: it is resolved to all its
	 * addresses, as a seed's is. This node's own address is skipped.
	 */
	Collection<InetSocketAddress> seeds() throws Exception;

}
