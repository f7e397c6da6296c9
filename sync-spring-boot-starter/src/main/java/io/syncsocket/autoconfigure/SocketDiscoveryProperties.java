package io.syncsocket.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Seeds from Spring Cloud's DiscoveryClient ({@code discovery.*} of a socket's
 * {@link SocketProperties}).
 */
public class SocketDiscoveryProperties {

	/**
	 * Service whose instances are dialed as seeds, asked again periodically (needs Spring
	 * Cloud Commons and a DiscoveryClient, e.g. Kubernetes, Consul, Eureka or the simple
	 * one).
	 */
	private @Nullable String serviceId;

	/**
	 * Mesh port of the discovered instances; by default their "sync-port" metadata entry,
	 * else their registered port.
	 */
	private @Nullable Integer port;

	public @Nullable String getServiceId() {
		return this.serviceId;
	}

	public void setServiceId(@Nullable String serviceId) {
		this.serviceId = serviceId;
	}

	public @Nullable Integer getPort() {
		return this.port;
	}

	public void setPort(@Nullable Integer port) {
		this.port = port;
	}

}
