package io.syncsocket.testkit;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JVM figures every Java benchmark node ({@link JavaNode}, the bench's
 * {@code PeerNode}) adds to its {@code stats} result: heap in use, committed, peak and
 * maximum, GC count and time, and total JIT compilation time (the orchestrator's warm-up
 * goes on while it grows).
 */
public final class JvmStats {

	private JvmStats() {
	}

	/**
	 * Adds
	 * {@code heapUsed, heapCommitted, heapPeak, heapMax, gcCount, gcMillis, jitMillis}.
	 */
	public static ObjectNode put(ObjectNode result) {
		long gcCount = 0;
		long gcMillis = 0;
		for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
			gcCount += Math.max(0, gc.getCollectionCount());
			gcMillis += Math.max(0, gc.getCollectionTime());
		}
		long peak = 0;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
				peak += pool.getPeakUsage().getUsed();
			}
		}
		Runtime runtime = Runtime.getRuntime();
		return result.put("heapUsed", heapUsed())
			.put("heapCommitted", runtime.totalMemory())
			.put("heapPeak", peak)
			.put("heapMax", runtime.maxMemory())
			.put("gcCount", gcCount)
			.put("gcMillis", gcMillis)
			.put("jitMillis", ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
	}

	public static long heapUsed() {
		Runtime runtime = Runtime.getRuntime();
		return runtime.totalMemory() - runtime.freeMemory();
	}

}
