package io.syncsocket.autoconfigure;

import io.syncsocket.SeedProvider;
import org.jspecify.annotations.Nullable;

/**
 * Seeds from a service registry, for {@code sync.discovery.service-id}. An interface of
 * its own so that the mapper never loads Spring Cloud's types, which are optional.
 */
interface DiscoverySeeds {

	/**
	 * The instances of {@code serviceId}, dialed at {@code port} if given, else at their
	 * {@code sync-port} metadata entry, else at their registered port.
	 */
	SeedProvider forService(String serviceId, @Nullable Integer port);

}
