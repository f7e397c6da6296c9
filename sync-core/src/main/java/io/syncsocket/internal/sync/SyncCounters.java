package io.syncsocket.internal.sync;

import java.util.concurrent.atomic.LongAdder;

import io.syncsocket.SyncStats;

/**
 * The live counters behind {@link SyncStats}: bumped under the node lock, summed from any
 * thread.
 */
final class SyncCounters {

	final LongAdder localUpdates = new LongAdder();

	final LongAdder remoteUpdates = new LongAdder();

	final LongAdder stateTransferUpdates = new LongAdder();

	final LongAdder deletes = new LongAdder();

	final LongAdder leaseRejections = new LongAdder();

	final LongAdder staleRejections = new LongAdder();

	final LongAdder ignoredDeltas = new LongAdder();

	SyncStats snapshot(int keys, int tombstones, long repairs) {
		return SyncStats.builder()
			.keys(keys)
			.tombstones(tombstones)
			.localUpdates(this.localUpdates.sum())
			.remoteUpdates(this.remoteUpdates.sum())
			.stateTransferUpdates(this.stateTransferUpdates.sum())
			.deletes(this.deletes.sum())
			.leaseRejections(this.leaseRejections.sum())
			.staleRejections(this.staleRejections.sum())
			.ignoredDeltas(this.ignoredDeltas.sum())
			.repairs(repairs)
			.build();
	}

}
