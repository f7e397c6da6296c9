package io.syncsocket.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.syncsocket.MeshCompression;
import io.syncsocket.MeshLimits;
import io.syncsocket.MeshOptions;
import io.syncsocket.MeshThreads;
import io.syncsocket.MeshTimeouts;
import io.syncsocket.Protocol;
import io.syncsocket.SeedProvider;
import io.syncsocket.SyncOptions;
import io.syncsocket.TlsOptions;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.util.unit.DataSize;

/**
 * Turns the {@code sync.*} properties of one socket into {@link SyncOptions}. A value set
 * on the named socket wins over {@code sync.*}; a value set nowhere keeps the library
 * default. Every value the library rejects fails with an
 * {@link InvalidConfigurationPropertyValueException} naming the property it came from.
 */
final class SyncOptionsMapper {

	/** Node name when neither {@code node-id} nor {@code node-name} is set. */
	static final String DEFAULT_NODE_NAME = "application";

	/**
	 * Settings that identify one socket: a named socket never takes them from
	 * {@code sync.*}.
	 */
	static final java.util.Set<String> NOT_INHERITED = java.util.Set.of("port", "node-id", "out-addr");

	private final SyncSocketProperties properties;

	private final @Nullable SocketProperties named;

	private final String namedPrefix;

	private final Supplier<@Nullable SslBundles> sslBundles;

	private final String defaultNodeName;

	private final Supplier<@Nullable DiscoverySeeds> discovery;

	SyncOptionsMapper(SyncSocketProperties properties, String socketName) {
		this(properties, socketName, () -> null, DEFAULT_NODE_NAME, () -> null);
	}

	/**
	 * A mapper that resolves {@code sync.ssl.bundle} through {@code sslBundles} (called
	 * only when a bundle is configured; null when there are no SSL bundles in the
	 * context) and names nodes {@code defaultNodeName} (the application's name) unless
	 * {@code node-id} or {@code node-name} says otherwise, and takes seeds from
	 * {@code discovery} (called only when a service id is configured; null without Spring
	 * Cloud's DiscoveryClient).
	 */
	SyncOptionsMapper(SyncSocketProperties properties, String socketName, Supplier<@Nullable SslBundles> sslBundles,
			String defaultNodeName, Supplier<@Nullable DiscoverySeeds> discovery) {
		this.defaultNodeName = defaultNodeName;
		this.discovery = discovery;
		this.properties = properties;
		this.named = properties.getSockets().get(socketName);
		this.namedPrefix = "sync.sockets." + socketName + ".";
		this.sslBundles = sslBundles;
	}

	SyncOptions.Builder map(String threadName) {
		SyncOptions.Builder sync = SyncOptions.builder();
		MeshOptions.Builder mesh = SyncOptions.defaults().mesh().mutate().name(threadName);
		apply("addr", SocketProperties::getAddr, mesh::bindAddress);
		apply("port", SocketProperties::getPort, mesh::port);
		apply("out-addr", SocketProperties::getOutAddr, mesh::outAddress);
		apply("leasing", SocketProperties::getLeasing, sync::leasing);
		Setting<String> subnet = find("protocol.subnet", (p) -> p.getProtocol().getSubnet());
		Setting<String> encryption = find("protocol.encryption", (p) -> p.getProtocol().getEncryption());
		String subnetValue = (subnet != null) ? subnet.value : SyncOptions.DEFAULT_SUBNET;
		if (encryption != null) {
			encryption.apply((value) -> mesh.protocol(new Protocol(subnetValue, value)));
		}
		else if (subnet != null) {
			subnet.apply((value) -> mesh.protocol(Protocol.of(value)));
		}
		apply("seeds", SocketProperties::getSeeds, (seeds) -> mesh.seeds(seeds.toArray(String[]::new)));
		MeshOptions defaults = mesh.build();
		TlsOptions tls = mapTls(defaults.protocol());
		if (tls != null) {
			mesh.tls(tls);
		}
		Setting<Duration> retryInitial = find("seed-retry.initial", (p) -> p.getSeedRetry().getInitial());
		Setting<Duration> retryMax = find("seed-retry.max", (p) -> p.getSeedRetry().getMax());
		if (retryInitial != null || retryMax != null) {
			Duration initial = (retryInitial != null) ? retryInitial.value : defaults.seeding().retryInitial();
			Duration max = (retryMax != null) ? retryMax.value : defaults.seeding().retryMax();
			Setting<?> blamed = (retryMax != null) ? retryMax : java.util.Objects.requireNonNull(retryInitial);
			blamed.apply((value) -> mesh.seeding((seeding) -> seeding.retry(initial, max)));
		}
		mapIdentity(mesh);
		mapDiscovery(mesh);
		apply("max-outgoing", SocketProperties::getMaxOutgoing, mesh::maxOutgoing);
		mesh.limits(this::mapLimits);
		mesh.timeouts(this::mapTimeouts);
		mesh.threads(this::mapThreads);
		mesh.compression(this::mapCompression);
		apply("max-tombstones", SocketProperties::getMaxTombstones, sync::maxTombstones);
		apply("delete-policy", SocketProperties::getDeletePolicy, sync::deletePolicy);
		apply("tombstone-retention", SocketProperties::getTombstoneRetention, sync::tombstoneRetention);
		apply("anti-entropy-interval", SocketProperties::getAntiEntropyInterval, sync::antiEntropyInterval);
		apply("debug-level", SocketProperties::getDebugLevel, (level) -> {
			if (level < 0) {
				throw new IllegalArgumentException("debug-level: " + level + " (expected: >= 0)");
			}
		});
		return sync.mesh(mesh.build());
	}

	private void mapLimits(MeshLimits.Builder limits) {
		apply("max-frame-length", SocketProperties::getMaxFrameLength,
				(size) -> limits.maxFrameLength(toInt(size, "max-frame-length")));
		apply("max-inbound-links", SocketProperties::getMaxInboundLinks, limits::maxInboundLinks);
		apply("max-links-per-address", SocketProperties::getMaxLinksPerAddress, limits::maxLinksPerAddress);
		apply("max-queued-bytes", SocketProperties::getMaxQueuedBytes,
				(size) -> limits.maxQueuedBytesPerLink(toInt(size, "max-queued-bytes")));
		apply("max-seen-messages", SocketProperties::getMaxSeenMessages, limits::maxSeenMessages);
		apply("user-queue-capacity", SocketProperties::getUserQueueCapacity, limits::userQueueCapacity);
	}

	private void mapTimeouts(MeshTimeouts.Builder timeouts) {
		apply("handshake-timeout", SocketProperties::getHandshakeTimeout, timeouts::handshake);
		apply("stall-timeout", SocketProperties::getStallTimeout, timeouts::stall);
		apply("connect-timeout", SocketProperties::getConnectTimeout, timeouts::connect);
		apply("peer-request-delay", SocketProperties::getPeerRequestDelay, timeouts::peerRequestDelay);
		apply("operation-timeout", SocketProperties::getOperationTimeout, timeouts::operation);
	}

	private void mapThreads(MeshThreads.Builder threads) {
		apply("io-threads", SocketProperties::getIoThreads, threads::ioThreads);
		apply("native-transport", SocketProperties::getNativeTransport, threads::nativeTransport);
	}

	private void mapCompression(MeshCompression.Builder compression) {
		apply("compression", SocketProperties::getCompression, compression::methods);
		apply("compression-threshold", SocketProperties::getCompressionThreshold,
				(size) -> compression.threshold(toInt(size, "compression-threshold")));
	}

	/**
	 * The TLS options from {@code ssl.bundle} and {@code ssl.mode}, or null if neither is
	 * set (an SSL protocol then uses compatible mode with a self-signed certificate).
	 */
	private @Nullable TlsOptions mapTls(Protocol protocol) {
		Setting<String> bundle = find("ssl.bundle", (p) -> p.getSsl().getBundle());
		Setting<TlsOptions.Mode> mode = find("ssl.mode", (p) -> p.getSsl().getMode());
		if (bundle == null && mode == null) {
			return null;
		}
		if (!protocol.isTls()) {
			Setting<?> blamed = (bundle != null) ? bundle : java.util.Objects.requireNonNull(mode);
			throw new InvalidConfigurationPropertyValueException(blamed.name, blamed.value,
					"TLS settings need the protocol encryption SSL (sync.protocol.encryption=SSL), but it is '"
							+ protocol.encryption() + "'");
		}
		TlsOptions.Mode effectiveMode = (mode != null) ? mode.value
				: (bundle != null) ? TlsOptions.Mode.VERIFIED : TlsOptions.Mode.COMPATIBLE;
		if (bundle == null) {
			if (effectiveMode == TlsOptions.Mode.VERIFIED) {
				// without a bundle, only an explicit mode can be VERIFIED
				Setting<TlsOptions.Mode> explicit = java.util.Objects.requireNonNull(mode);
				throw new InvalidConfigurationPropertyValueException(explicit.name, explicit.value,
						"verified TLS needs key and trust material: set sync.ssl.bundle to a Spring Boot SSL bundle");
			}
			return TlsOptions.compatible();
		}
		SslBundle sslBundle = resolveBundle(bundle);
		SslStoreBundle stores = sslBundle.getStores();
		if (stores.getKeyStore() == null) {
			throw new InvalidConfigurationPropertyValueException(bundle.name, bundle.value,
					"the SSL bundle has no key store (this node's key and certificate)");
		}
		if (effectiveMode == TlsOptions.Mode.VERIFIED && stores.getTrustStore() == null) {
			// without one, the bundle's trust managers fall back to the JDK's public CAs:
			// anyone with a web certificate could join
			throw new InvalidConfigurationPropertyValueException(bundle.name, bundle.value,
					"the SSL bundle has no trust store, which verified TLS needs (the certificates peers must chain to)");
		}
		try {
			TlsOptions.Builder builder = (effectiveMode == TlsOptions.Mode.VERIFIED)
					? TlsOptions.verified(sslBundle.getManagers().getKeyManagerFactory(),
							sslBundle.getManagers().getTrustManagerFactory())
					: TlsOptions.compatibleBuilder().keyManagerFactory(sslBundle.getManagers().getKeyManagerFactory());
			String[] protocols = sslBundle.getOptions().getEnabledProtocols();
			if (protocols != null) {
				builder.protocols(List.of(protocols));
			}
			String[] ciphers = sslBundle.getOptions().getCiphers();
			if (ciphers != null) {
				builder.ciphers(List.of(ciphers));
			}
			return builder.build();
		}
		catch (RuntimeException ex) {
			throw new InvalidConfigurationPropertyValueException(bundle.name, bundle.value,
					"the SSL bundle cannot be used: " + ex.getMessage());
		}
	}

	private SslBundle resolveBundle(Setting<String> bundle) {
		SslBundles bundles = this.sslBundles.get();
		if (bundles == null) {
			throw new InvalidConfigurationPropertyValueException(bundle.name, bundle.value,
					"there are no SSL bundles in the application context (SslAutoConfiguration not active?)");
		}
		try {
			return bundles.getBundle(bundle.value);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidConfigurationPropertyValueException(bundle.name, bundle.value,
					"no SSL bundle named '" + bundle.value + "' (define it under spring.ssl.bundle.jks." + bundle.value
							+ " or spring.ssl.bundle.pem." + bundle.value + "); known: " + bundles.getBundleNames());
		}
	}

	/**
	 * A fixed id if {@code node-id} is set; otherwise an id derived from the node name
	 * and the advertised address, stable across restarts (the application's name unless
	 * {@code node-name} is set).
	 */
	private void mapIdentity(MeshOptions.Builder mesh) {
		Setting<String> nodeId = find("node-id", SocketProperties::getNodeId);
		Setting<String> nodeName = find("node-name", SocketProperties::getNodeName);
		if (nodeId != null && nodeName != null) {
			throw new InvalidConfigurationPropertyValueException(nodeName.name, nodeName.value,
					"set either " + nodeId.name + " (a fixed id) or " + nodeName.name
							+ " (an id derived from the name and the advertised address), not both");
		}
		if (nodeId != null) {
			nodeId.apply(mesh::nodeId);
		}
		else if (nodeName != null) {
			nodeName.apply(mesh::nodeName);
		}
		else {
			mesh.nodeName(this.defaultNodeName);
		}
	}

	/** Seeds from the DiscoveryClient when {@code discovery.service-id} is set. */
	private void mapDiscovery(MeshOptions.Builder mesh) {
		Setting<String> serviceId = find("discovery.service-id", (p) -> p.getDiscovery().getServiceId());
		Setting<Integer> port = find("discovery.port", (p) -> p.getDiscovery().getPort());
		if (serviceId == null) {
			if (port != null) {
				throw new InvalidConfigurationPropertyValueException(port.name, port.value,
						"a discovery port needs a service to discover (sync.discovery.service-id)");
			}
			return;
		}
		if (serviceId.value.isBlank()) {
			throw new InvalidConfigurationPropertyValueException(serviceId.name, serviceId.value,
					"blank (expected: the service id of this application's instances in the registry)");
		}
		if (port != null && (port.value < 1 || port.value > 65535)) {
			throw new InvalidConfigurationPropertyValueException(port.name, port.value, "expected: 1-65535");
		}
		DiscoverySeeds seeds = this.discovery.get();
		if (seeds == null) {
			throw new InvalidConfigurationPropertyValueException(serviceId.name, serviceId.value,
					"discovery needs Spring Cloud's DiscoveryClient: add org.springframework.cloud:spring-cloud-commons "
							+ "and a discovery client (Kubernetes, Consul, Eureka, or the simple one configured by "
							+ "spring.cloud.discovery.client.simple.instances)");
		}
		SeedProvider provider = seeds.forService(serviceId.value, (port != null) ? port.value : null);
		mesh.seeding((seeding) -> seeding.provider(provider));
	}

	/** The debug level that applies to this socket, or 0. */
	int debugLevel() {
		Setting<Integer> level = find("debug-level", SocketProperties::getDebugLevel);
		return (level != null) ? level.value : 0;
	}

	private static int toInt(DataSize size, String name) {
		long bytes = size.toBytes();
		if (bytes > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(name + ": " + size + " (expected: < 2GB)");
		}
		return (int) bytes;
	}

	private <T> void apply(String property, Function<SocketProperties, @Nullable T> getter, Consumer<T> setter) {
		Setting<T> setting = find(property, getter);
		if (setting != null) {
			setting.apply(setter);
		}
	}

	private <T> @Nullable Setting<T> find(String property, Function<SocketProperties, @Nullable T> getter) {
		if (this.named != null) {
			T value = getter.apply(this.named);
			if (value != null) {
				return new Setting<>(this.namedPrefix + property, value);
			}
			if (NOT_INHERITED.contains(property)) {
				// one port, id or advertised address shared by several sockets can only
				// clash
				return null;
			}
		}
		T value = getter.apply(this.properties);
		return (value != null) ? new Setting<>("sync." + property, value) : null;
	}

	/** A property value together with the name it was bound from. */
	private record Setting<T>(String name, T value) {

		void apply(Consumer<T> setter) {
			try {
				setter.accept(this.value);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException(this.name, this.value, ex.getMessage());
			}
		}

	}

}
