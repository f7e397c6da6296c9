package io.syncsocket.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;

/**
 * The JVM figures every Java node process ({@link JavaNode}, {@link PeerNode}) adds to
 * its {@code stats} reply: heap in use, committed, peak and maximum, GC count and time,
 * and total JIT compilation time (the orchestrator's warm-up goes on while it grows).
 */
final class JvmStats {

	private JvmStats() {
	}

	/**
	 * {@code heapUsed=.. heapCommitted=.. heapPeak=.. heapMax=.. gcCount=.. gcMillis=.. jitMillis=..}
	 */
	static String words() {
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
		return String.format(Locale.ROOT,
				"heapUsed=%d heapCommitted=%d heapPeak=%d heapMax=%d gcCount=%d gcMillis=%d jitMillis=%d", heapUsed(),
				runtime.totalMemory(), peak, runtime.maxMemory(), gcCount, gcMillis,
				ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
	}

	static long heapUsed() {
		Runtime runtime = Runtime.getRuntime();
		return runtime.totalMemory() - runtime.freeMemory();
	}

}
