package io.syncsocket;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Explains a peer's different protocol id in words: the id is a hash of subnet and
 * encryption, so this tries the variants a user is likely to have mixed up (the other
 * encryption, the other leasing suffix, the sync layer or its absence) and names the
 * setting that differs.
 */
final class ProtocolMismatch implements Function<String, String> {

	private final Protocol base;

	private final Protocol effective;

	/**
	 * @param base the configured protocol
	 * @param effective what the node uses: {@code base}, or {@code base} with the leasing
	 * suffix of a {@link SyncSocket}
	 */
	ProtocolMismatch(Protocol base, Protocol effective) {
		this.base = base;
		this.effective = effective;
	}

	@Override
	public String apply(String theirId) {
		String otherEncryption = this.effective.isTls() ? Protocol.PLAINTEXT : Protocol.SSL;
		for (String encryption : new String[] { this.effective.encryption(), otherEncryption }) {
			String encryptionNote = encryption.equals(this.effective.encryption()) ? "" : "; and it uses encryption "
					+ encryption + " where this node uses " + this.effective.encryption() + " (protocol encryption)";
			String difference = leasingDifference(theirId, encryption);
			if (difference != null) {
				return difference + encryptionNote;
			}
		}
		if (id(this.effective.subnet(), otherEncryption).equals(theirId)) {
			return "the peer uses encryption " + otherEncryption + " where this node uses "
					+ this.effective.encryption() + ": set the same protocol encryption on every node";
		}
		return "not a known variant of this node's protocol (subnet '" + this.effective.subnet() + "', "
				+ this.effective.encryption() + "): the peer's subnet differs, or its leasing and encryption both do";
	}

	private @Nullable String leasingDifference(String theirId, String encryption) {
		String subnet = this.base.subnet();
		boolean sync = !this.effective.subnet().equals(subnet);
		if (sync && id(subnet, encryption).equals(theirId)) {
			return "the peer is a plain mesh node on subnet '" + subnet
					+ "' without the sync layer's leasing suffix, and this node is a SyncSocket";
		}
		for (Leasing leasing : new Leasing[] { Leasing.OFF, Leasing.ON }) {
			String suffixed = subnet + leasing.subnetSuffix();
			if (suffixed.equals(this.effective.subnet()) || !id(suffixed, encryption).equals(theirId)) {
				continue;
			}
			if (!sync) {
				return "the peer is a SyncSocket on subnet '" + subnet + "' (leasing suffix " + leasing.subnetSuffix()
						+ "), and this node is a plain mesh node";
			}
			return "the peer runs with leasing " + describe(leasing) + " (subnet suffix " + leasing.subnetSuffix()
					+ ") where this node runs with leasing "
					+ describe(leasing == Leasing.OFF ? Leasing.ON : Leasing.OFF)
					+ ": set the same leasing on every node";
		}
		return null;
	}

	private static String describe(Leasing leasing) {
		return (leasing == Leasing.OFF) ? "off (js2p leasing=false)" : "on or js2p-default";
	}

	private static String id(String subnet, String encryption) {
		return new Protocol(subnet, encryption).id();
	}

}
