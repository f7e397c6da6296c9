package io.syncsocket.fuzz;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.slf4j.LoggerFactory;

/**
 * Captures every WARN or ERROR that Netty or syncsocket logs during a fuzz test: Netty's
 * leak reports ({@code LEAK: ...}, ERROR, paranoid level in the build), an exception that
 * reached the tail of a pipeline (WARN), an exception that escaped a node-loop task
 * (ERROR) or a listener (WARN). Also quiets the per-link "Closing ..." INFO lines of the
 * mesh, which the fuzz suite provokes thousands of times.
 */
final class LogCapture implements AutoCloseable {

	private static final List<String> WATCHED = List.of("io.netty", "io.syncsocket");

	private final List<Logger> loggers = new ArrayList<>();

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final Logger mesh = (Logger) LoggerFactory.getLogger("io.syncsocket.internal.mesh.LinkFaults");

	private final Level meshLevel;

	LogCapture() {
		this.appender.start();
		for (String name : WATCHED) {
			Logger logger = (Logger) LoggerFactory.getLogger(name);
			logger.addAppender(this.appender);
			this.loggers.add(logger);
		}
		this.meshLevel = this.mesh.getLevel();
		this.mesh.setLevel(Level.WARN);
	}

	/** WARN and ERROR lines logged so far, with the exception class if any. */
	List<String> problems() {
		List<String> lines = new ArrayList<>();
		synchronized (this.appender) {
			for (ILoggingEvent event : this.appender.list) {
				if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
					IThrowableProxy thrown = event.getThrowableProxy();
					lines.add(event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage()
							+ ((thrown != null) ? " [" + thrown.getClassName() + ": " + thrown.getMessage() + "]"
									: ""));
				}
			}
		}
		return lines;
	}

	/**
	 * Gives the leak detector its chance: leaks are reported when a collected buffer's
	 * tracker is polled, which happens on later allocations. Collects garbage and
	 * allocates a few times.
	 */
	static void provokeLeakReports() {
		for (int round = 0; round < 3; round++) {
			System.gc();
			for (int i = 0; i < 200; i++) {
				ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(16);
				pooled.release();
				ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
				unpooled.release();
			}
		}
	}

	@Override
	public void close() {
		for (Logger logger : this.loggers) {
			logger.detachAppender(this.appender);
		}
		this.mesh.setLevel(this.meshLevel);
		this.appender.stop();
	}

}
