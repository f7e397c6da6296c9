package io.syncsocket.autoconfigure;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.syncsocket.SeedProvider;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * {@link DiscoverySeeds} from Spring Cloud's {@link DiscoveryClient} (Kubernetes, Consul,
 * Eureka, or the simple one configured by properties). The registry is asked on the
 * socket's resolver threads, as often as a seed name would be resolved.
 */
final class DiscoveryClientSeeds implements DiscoverySeeds {

	/** The instance metadata entry that names an instance's mesh port. */
	static final String PORT_METADATA = "sync-port";

	private static final Logger logger = LoggerFactory.getLogger(DiscoveryClientSeeds.class);

	private final ObjectProvider<DiscoveryClient> clients;

	DiscoveryClientSeeds(ObjectProvider<DiscoveryClient> clients) {
		this.clients = clients;
	}

	@Override
	public SeedProvider forService(String serviceId, @Nullable Integer port) {
		DiscoveryClient client = this.clients.getIfAvailable();
		if (client == null) {
			throw new IllegalStateException("no DiscoveryClient bean for service '" + serviceId + "'");
		}
		return new ServiceSeeds(client, serviceId, port);
	}

	private record ServiceSeeds(DiscoveryClient client, String serviceId,
			@Nullable Integer port) implements SeedProvider {

		@Override
		public Collection<InetSocketAddress> seeds() {
			List<ServiceInstance> instances = this.client.getInstances(this.serviceId);
			List<InetSocketAddress> seeds = new ArrayList<>(instances.size());
			for (ServiceInstance instance : instances) {
				int meshPort = meshPort(instance);
				if (instance.getHost() != null && meshPort > 0 && meshPort <= 65535) {
					seeds.add(InetSocketAddress.createUnresolved(instance.getHost(), meshPort));
				}
				else {
					logger.debug("Instance {} of {} has no usable host and mesh port", instance.getInstanceId(),
							this.serviceId);
				}
			}
			return seeds;
		}

		private int meshPort(ServiceInstance instance) {
			if (this.port != null) {
				return this.port;
			}
			String declared = (instance.getMetadata() != null) ? instance.getMetadata().get(PORT_METADATA) : null;
			if (declared != null) {
				try {
					return Integer.parseInt(declared.trim());
				}
				catch (NumberFormatException ex) {
					return -1;
				}
			}
			return instance.getPort();
		}

		@Override
		public String toString() {
			return "discovery service '" + this.serviceId + "'";
		}

	}

}
