package io.syncsocket.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.syncsocket.testkit.ChildNode;

/**
 * How busy the machine was with processes other than this benchmark's, from
 * {@code /proc}: all CPUs' busy time ({@code /proc/stat}) minus the CPU time of the node
 * processes and of the orchestrator. A benchmark sharing two cores with a build is not a
 * measurement; the summary says so. Linux only; elsewhere the figure is unknown (NaN).
 */
final class CpuWatch {

	/** USER_HZ: the unit of /proc CPU times on every mainstream Linux. */
	private static final double TICKS_PER_SECOND = 100.0;

	/**
	 * CPU ticks of node processes that were closed (sampled just before), since the JVM
	 * started.
	 */
	private static final java.util.concurrent.atomic.AtomicLong RETIRED = new java.util.concurrent.atomic.AtomicLong();

	private final long startNanos = System.nanoTime();

	private final long startRetired = RETIRED.get();

	private final long startBusy = busyTicks();

	private final long startSelf = processTicks(ProcessHandle.current().pid());

	/** Average number of cores used by other processes since this watch started. */
	double foreignCores(List<ChildNode> nodes) {
		long busy = busyTicks() - this.startBusy;
		long ours = processTicks(ProcessHandle.current().pid()) - this.startSelf;
		for (ChildNode node : nodes) {
			ours += processTicks(node.pid()); // started after this watch
		}
		ours += RETIRED.get() - this.startRetired; // nodes of earlier repetitions (fresh
													// processes)
		double seconds = (System.nanoTime() - this.startNanos) / 1e9;
		if (busy < 0 || ours < 0 || seconds <= 0) {
			return Double.NaN;
		}
		return Math.max(0, busy - ours) / TICKS_PER_SECOND / seconds;
	}

	/**
	 * Called just before a node process is closed, so that its CPU time still counts as
	 * ours.
	 */
	static void retire(long pid) {
		long ticks = processTicks(pid);
		if (ticks > 0) {
			RETIRED.addAndGet(ticks);
		}
	}

	private static long busyTicks() {
		try {
			String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
			// cpu user nice system idle iowait irq softirq steal ...
			return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
					+ Long.parseLong(f[7]) + Long.parseLong(f[8]);
		}
		catch (IOException | RuntimeException ex) {
			return Long.MIN_VALUE / 2;
		}
	}

	/** utime + stime of a process (its threads included), in ticks. */
	private static long processTicks(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// after "pid (comm) ": state=0 ... utime=11 stime=12
			return Long.parseLong(f[11]) + Long.parseLong(f[12]);
		}
		catch (IOException | RuntimeException ex) {
			return Long.MIN_VALUE / 2;
		}
	}

}
