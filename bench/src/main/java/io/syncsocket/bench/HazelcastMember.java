package io.syncsocket.bench;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import com.hazelcast.core.EntryAdapter;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.BuildInfoProvider;
import com.hazelcast.replicatedmap.ReplicatedMap;
import org.jspecify.annotations.Nullable;

/**
 * A Hazelcast member holding a {@code ReplicatedMap<String, String>} with its default
 * settings (in-memory format OBJECT, asynchronous fill-up of a joining member): TCP-IP
 * join on 127.0.0.1 with this member's and the seed's address, multicast and
 * auto-detection off, Jet off, phone-home off, logging through SLF4J (warnings, on
 * stderr).
 *
 * <p>
 * A put goes to the key's partition owner, which replicates it to every member; each
 * member's entry listener then gets an event (on Hazelcast's event threads, several at a
 * time). A joining member's copy is filled in the background without events, so
 * {@link PeerNode} watches its size.
 */
final class HazelcastMember implements PeerMember {

	private @Nullable HazelcastInstance instance;

	private @Nullable ReplicatedMap<String, String> map;

	@Override
	public long start(int port, @Nullable Integer seedPort, Updates updates) {
		Config config = new Config();
		config.setClusterName("syncsocket-bench");
		config.setProperty("hazelcast.phone.home.enabled", "false");
		config.setProperty("hazelcast.logging.type", "slf4j");
		NetworkConfig network = config.getNetworkConfig();
		network.setPort(port).setPortAutoIncrement(false);
		network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
		JoinConfig join = network.getJoin();
		join.getMulticastConfig().setEnabled(false);
		join.getAutoDetectionConfig().setEnabled(false);
		TcpIpConfig tcpIp = join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port);
		if (seedPort != null) {
			tcpIp.addMember("127.0.0.1:" + seedPort);
		}
		config.getJetConfig().setEnabled(false);
		HazelcastInstance instance = Hazelcast.newHazelcastInstance(config);
		this.instance = instance;
		long joined = System.nanoTime();
		ReplicatedMap<String, String> map = instance.getReplicatedMap("syncsocket-bench");
		map.addEntryListener(new Listener(updates));
		this.map = map;
		return joined;
	}

	@Override
	public int otherMembers() {
		HazelcastInstance instance = this.instance;
		return (instance != null) ? instance.getCluster().getMembers().size() - 1 : 0;
	}

	@Override
	public void put(String key, String value) {
		map().put(key, value);
	}

	@Override
	public boolean containsKey(String key) {
		return map().containsKey(key);
	}

	@Override
	public int size() {
		ReplicatedMap<String, String> map = this.map;
		return (map != null) ? map.size() : 0;
	}

	@Override
	public String describe() {
		return "Hazelcast " + BuildInfoProvider.getBuildInfo().getVersion()
				+ " ReplicatedMap (TCP-IP join, in-memory format OBJECT, async fill-up)";
	}

	@Override
	public void close() {
		HazelcastInstance instance = this.instance;
		this.instance = null;
		this.map = null;
		if (instance != null) {
			instance.getLifecycleService().terminate();
		}
	}

	private ReplicatedMap<String, String> map() {
		ReplicatedMap<String, String> map = this.map;
		if (map == null) {
			throw new IllegalStateException("member not started");
		}
		return map;
	}

	/**
	 * Forwards additions and updates; removals, evictions and clears are not measured.
	 */
	private static final class Listener extends EntryAdapter<String, String> {

		private final Updates updates;

		Listener(Updates updates) {
			this.updates = updates;
		}

		@Override
		public void entryAdded(EntryEvent<String, String> event) {
			this.updates.updated(event.getKey());
		}

		@Override
		public void entryUpdated(EntryEvent<String, String> event) {
			this.updates.updated(event.getKey());
		}

	}

}
