package io.syncsocket.bench;

import java.util.List;
import java.util.Map;

import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.Version;
import org.jgroups.View;
import org.jgroups.blocks.ReplicatedHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A JGroups {@code ReplicatedHashMap<String, String>} on the stack of the jar's stock
 * {@code tcp.xml} (TCP, TCPPING, NAKACK2, UNICAST3, STABLE, GMS, MFC/UFC, FRAG2,
 * STATE_TRANSFER), with updates sent without waiting for the members' replies (JGroups'
 * default: {@code blocking_updates=false}).
 *
 * <p>
 * tcp.xml takes its addresses from system properties, set here before the channel is
 * created: bound to 127.0.0.1 on the given port, and TCPPING pinned to this member's and
 * the seed's port ({@code port_range} 0), so discovery asks exactly those two. A joining
 * member receives the map by JGroups' state transfer in {@link ReplicatedHashMap#start},
 * reported as one {@code contentsSet}.
 */
final class JGroupsMember implements PeerMember {

	private static final long STATE_TIMEOUT_MILLIS = 120_000;

	private @Nullable JChannel channel;

	private @Nullable ReplicatedHashMap<String, String> map;

	@Override
	public long start(int port, @Nullable Integer seedPort, Updates updates) throws Exception {
		System.setProperty("jgroups.bind_addr", "127.0.0.1");
		System.setProperty("jgroups.bind_port", Integer.toString(port));
		System.setProperty("jgroups.tcpping.initial_hosts",
				"127.0.0.1[" + port + "]" + ((seedPort != null) ? ",127.0.0.1[" + seedPort + "]" : ""));
		System.setProperty("jgroups.tcp.port_range", "0");
		JChannel channel = new JChannel("tcp.xml");
		this.channel = channel;
		ReplicatedHashMap<String, String> map = new ReplicatedHashMap<>(channel);
		this.map = map;
		map.addNotifier(new Notifier(updates));
		channel.connect("syncsocket-bench");
		long joined = System.nanoTime();
		map.start(STATE_TIMEOUT_MILLIS); // state transfer from the coordinator (nothing
											// when alone)
		return joined;
	}

	@Override
	public int otherMembers() {
		JChannel channel = this.channel;
		View view = (channel != null) ? channel.getView() : null;
		return (view != null) ? view.size() - 1 : 0;
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
		ReplicatedHashMap<String, String> map = this.map;
		return (map != null) ? map.size() : 0;
	}

	@Override
	public String describe() {
		ReplicatedHashMap<String, String> map = this.map;
		return "JGroups " + Version.printVersion() + " ReplicatedHashMap (stock tcp.xml, blocking updates "
				+ ((map != null) && map.isBlockingUpdates()) + ")";
	}

	@Override
	public void close() {
		JChannel channel = this.channel;
		this.channel = null;
		if (channel != null) {
			channel.close();
		}
	}

	private ReplicatedHashMap<String, String> map() {
		ReplicatedHashMap<String, String> map = this.map;
		if (map == null) {
			throw new IllegalStateException("member not started");
		}
		return map;
	}

	/**
	 * Forwards puts and the state transfer; removals, clears and views are not measured.
	 */
	private record Notifier(Updates updates) implements ReplicatedHashMap.Notification<String, String> {

		@Override
		public void entrySet(String key, String value) {
			this.updates.updated(key);
		}

		@Override
		public void contentsSet(Map<String, String> contents) {
			this.updates.loaded(contents.keySet());
		}

		@Override
		public void entryRemoved(String key) {
		}

		@Override
		public void viewChange(View view, List<Address> joined, List<Address> left) {
		}

		@Override
		public void contentsCleared() {
		}

	}

}
