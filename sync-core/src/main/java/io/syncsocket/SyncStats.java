package io.syncsocket;

/**
 * Counters of a {@link SyncSocket}'s dictionary since start: an immutable snapshot.
 *
 * @param keys keys stored now
 * @param tombstones deleted keys remembered now (so stale copies cannot come back)
 * @param localUpdates sets and deltas made on this node
 * @param remoteUpdates sets and deltas applied from broadcasts
 * @param stateTransferUpdates entries applied from peers' state transfers
 * @param deletes deletes applied, from any origin
 * @param leaseRejections remote changes dropped because another node holds the lease (or
 * the change was older than the current version)
 * @param staleRejections remote changes dropped because they were older than a tombstone
 * or lost to the stored version in a state-transfer merge
 * @param ignoredDeltas remote deltas dropped because the stored value is not a map
 * @param repairs full states asked of a peer because its dictionary and this node's
 * stayed different with no change on either side for an anti-entropy round
 */
public record SyncStats(int keys, int tombstones, long localUpdates, long remoteUpdates, long stateTransferUpdates,
		long deletes, long leaseRejections, long staleRejections, long ignoredDeltas, long repairs) {
}
