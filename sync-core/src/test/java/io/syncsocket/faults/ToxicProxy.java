package io.syncsocket.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on {@code 127.0.0.1} in front of one node, whose link can be degraded on
 * demand:
 *
 * <ul>
 * <li>{@link #pass()}: bytes flow both ways (the initial state);</li>
 * <li>{@link #delay(Duration)}: every chunk is delivered that much later, in order;</li>
 * <li>{@link #blackhole()}: connections stay open but every byte, both ways, is read and
 * dropped; new connections are accepted and swallowed too (nothing reaches the node).
 * Neither end sees an error: the protocol has no keep-alive (PROTOCOL.md §5.8);</li>
 * <li>{@link #cut()}: every connection is reset and new ones are reset at once (a dial
 * sees its link close before any handshake, as with a refused connection);</li>
 * <li>{@link #heal()}: back to {@code pass()}; a connection that lost bytes in a
 * blackhole is reset, because a TCP stream with a hole in it does not exist on a real
 * network (a real blackhole ends in a retransmission timeout and a reset).</li>
 * </ul>
 *
 * <p>
 * Plain blocking sockets: one accept thread, and per connection and direction one reader
 * and one writer thread joined by a delay queue (the delay is taken when a chunk is read
 * and never lets a chunk overtake an earlier one). All threads are daemons;
 * {@link #close()} stops them and resets every connection. Counters tell tests what
 * happened.
 */
final class ToxicProxy implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ToxicProxy.class);

	private enum Mode {

		PASS, BLACKHOLE, CUT

	}

	private final String name;

	private final int targetPort;

	private final ServerSocket server;

	private final Set<Pipe> pipes = ConcurrentHashMap.newKeySet();

	private volatile Mode mode = Mode.PASS;

	/** Delay of bytes going to the node. */
	private volatile long delayNanos;

	/** Delay of bytes coming from the node. */
	private volatile long fromNodeDelayNanos;

	private volatile boolean closed;

	private final AtomicLong accepted = new AtomicLong();

	private final AtomicLong forwardedBytes = new AtomicLong();

	private final AtomicLong swallowedBytes = new AtomicLong();

	private final AtomicLong resets = new AtomicLong();

	private ToxicProxy(String name, int targetPort) {
		this.name = name;
		this.targetPort = targetPort;
		try {
			this.server = new ServerSocket(0, 50, InetAddress.getByName(FaultNode.HOST));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		daemon("proxy-" + name + "-accept", this::acceptLoop).start();
	}

	/**
	 * A proxy on an ephemeral port of 127.0.0.1 that forwards to
	 * {@code 127.0.0.1:targetPort}.
	 */
	static ToxicProxy to(String name, int targetPort) {
		return new ToxicProxy(name, targetPort);
	}

	/** The port to dial instead of the target. */
	int port() {
		return this.server.getLocalPort();
	}

	String name() {
		return this.name;
	}

	// ------------------------------------------------------------------ modes

	/**
	 * Forward everything at once. Connections that lost bytes in a blackhole are not
	 * repaired: use {@link #heal()}.
	 */
	ToxicProxy pass() {
		this.delayNanos = 0;
		this.fromNodeDelayNanos = 0;
		this.mode = Mode.PASS;
		return this;
	}

	/** Forward everything, each chunk {@code delay} after it was read. */
	ToxicProxy delay(Duration delay) {
		return delay(delay, delay);
	}

	/**
	 * Like {@link #delay(Duration)}, with one delay for bytes going to the node and
	 * another for bytes coming from it.
	 */
	ToxicProxy delay(Duration towardNode, Duration fromNode) {
		this.delayNanos = towardNode.toNanos();
		this.fromNodeDelayNanos = fromNode.toNanos();
		this.mode = Mode.PASS;
		return this;
	}

	/** Keep connections open and drop every byte; swallow new connections too. */
	ToxicProxy blackhole() {
		this.mode = Mode.BLACKHOLE;
		return this;
	}

	/** Reset every connection and every new one. */
	ToxicProxy cut() {
		this.mode = Mode.CUT;
		for (Pipe pipe : this.pipes) {
			pipe.reset();
		}
		return this;
	}

	/**
	 * Back to {@link #pass()}, resetting the connections that lost bytes or never reached
	 * the node.
	 */
	ToxicProxy heal() {
		for (Pipe pipe : this.pipes) {
			if (pipe.holed || pipe.upstream == null) {
				pipe.reset();
			}
		}
		return pass();
	}

	boolean isDegraded() {
		return this.mode != Mode.PASS || this.delayNanos != 0;
	}

	// ------------------------------------------------------------------ counters

	/** Connections open through this proxy right now. */
	int openConnections() {
		return this.pipes.size();
	}

	/** Connections accepted so far (dial attempts through this proxy). */
	long accepted() {
		return this.accepted.get();
	}

	long forwardedBytes() {
		return this.forwardedBytes.get();
	}

	long swallowedBytes() {
		return this.swallowedBytes.get();
	}

	/** Connections this proxy reset (cut, heal after a blackhole, unreachable target). */
	long resets() {
		return this.resets.get();
	}

	@Override
	public void close() {
		this.closed = true;
		try {
			this.server.close();
		}
		catch (IOException ex) {
			logger.debug("{}: closing the server socket failed", this, ex);
		}
		for (Pipe pipe : this.pipes) {
			pipe.reset();
		}
	}

	@Override
	public String toString() {
		return "proxy " + this.name + " :" + port() + " -> :" + this.targetPort;
	}

	// ------------------------------------------------------------------ plumbing

	private void acceptLoop() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				if (!this.closed) {
					logger.warn("{}: accept failed", this, ex);
				}
				return;
			}
			this.accepted.incrementAndGet();
			try {
				client.setTcpNoDelay(true);
				Mode current = this.mode;
				if (current == Mode.CUT) {
					resetQuietly(client);
					continue;
				}
				Socket upstream = null;
				if (current == Mode.PASS) {
					upstream = new Socket();
					upstream.setTcpNoDelay(true);
					try {
						upstream.connect(new InetSocketAddress(FaultNode.HOST, this.targetPort), 2000);
					}
					catch (IOException ex) {
						// the node is down: the dialer sees its link close, as with a
						// refused connection
						resetQuietly(upstream);
						resetQuietly(client);
						continue;
					}
				}
				Pipe pipe = new Pipe(client, upstream);
				this.pipes.add(pipe);
				pipe.start();
			}
			catch (IOException ex) {
				resetQuietly(client);
			}
		}
	}

	private void resetQuietly(@Nullable Socket socket) {
		if (socket == null) {
			return;
		}
		try {
			if (!socket.isClosed()) {
				socket.setSoLinger(true, 0); // RST, not FIN: the peer learns at once
				this.resets.incrementAndGet();
			}
		}
		catch (SocketException ex) {
			// closing anyway
		}
		try {
			socket.close();
		}
		catch (IOException ex) {
			// nothing to do
		}
	}

	/**
	 * One proxied connection: client ⇄ upstream (null while it was accepted into a
	 * blackhole).
	 */
	private final class Pipe {

		private final Socket client;

		private final @Nullable Socket upstream;

		/** Bytes were dropped: the stream has a hole. */
		volatile boolean holed;

		private volatile boolean done;

		Pipe(Socket client, @Nullable Socket upstream) {
			this.client = client;
			this.upstream = upstream;
		}

		void start() throws IOException {
			String id = ToxicProxy.this.name + "-" + this.client.getPort();
			if (this.upstream == null) {
				daemon("proxy-" + id + "-swallow", () -> pump(this.client, null)).start();
				return;
			}
			Direction up = new Direction(this.upstream, true);
			Direction down = new Direction(this.client, false);
			daemon("proxy-" + id + "-up-read", () -> pump(this.client, up)).start();
			daemon("proxy-" + id + "-up-write", up::drain).start();
			daemon("proxy-" + id + "-down-read", () -> pump(this.upstream, down)).start();
			daemon("proxy-" + id + "-down-write", down::drain).start();
		}

		/**
		 * Reads one side until it ends; forwards to {@code to}, or drops in a blackhole.
		 */
		private void pump(Socket from, @Nullable Direction to) {
			byte[] buffer = new byte[16 * 1024];
			try {
				InputStream in = from.getInputStream();
				int n;
				while ((n = in.read(buffer)) >= 0) {
					if (to == null || ToxicProxy.this.mode == Mode.BLACKHOLE) {
						this.holed = true;
						ToxicProxy.this.swallowedBytes.addAndGet(n);
						continue;
					}
					to.offer(Arrays.copyOf(buffer, n));
				}
			}
			catch (IOException ex) {
				// reset or closed: end the pipe below
			}
			if (to != null) {
				to.offer(null); // close after what is queued has been written
			}
			else {
				reset();
			}
		}

		void reset() {
			if (this.done) {
				return;
			}
			this.done = true;
			resetQuietly(this.client);
			resetQuietly(this.upstream);
			ToxicProxy.this.pipes.remove(this);
		}

		/** One direction's queue and writer. */
		private final class Direction {

			private final Socket target;

			private final boolean towardNode;

			private final DelayQueue<Chunk> queue = new DelayQueue<>();

			private long lastDue;

			private long sequence;

			Direction(Socket target, boolean towardNode) {
				this.target = target;
				this.towardNode = towardNode;
			}

			/**
			 * Queues a chunk (null = end of stream) for delivery after the current delay,
			 * never before an earlier one.
			 */
			synchronized void offer(byte @Nullable [] bytes) {
				long delay = this.towardNode ? ToxicProxy.this.delayNanos : ToxicProxy.this.fromNodeDelayNanos;
				long due = Math.max(System.nanoTime() + delay, this.lastDue);
				this.lastDue = due;
				this.queue.add(new Chunk(due, this.sequence++, bytes));
			}

			void drain() {
				try {
					OutputStream out = this.target.getOutputStream();
					while (!Pipe.this.done) {
						Chunk chunk = this.queue.poll(200, TimeUnit.MILLISECONDS);
						if (chunk == null) {
							continue;
						}
						if (chunk.bytes == null) {
							break;
						}
						out.write(chunk.bytes);
						out.flush();
						ToxicProxy.this.forwardedBytes.addAndGet(chunk.bytes.length);
					}
				}
				catch (IOException ex) {
					// the other side is gone
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				reset();
			}

		}

	}

	private record Chunk(long due, long sequence, byte @Nullable [] bytes) implements Delayed {

		@Override
		public long getDelay(TimeUnit unit) {
			return unit.convert(this.due - System.nanoTime(), TimeUnit.NANOSECONDS);
		}

		@Override
		public int compareTo(Delayed other) {
			Chunk chunk = (Chunk) other;
			int byDue = Long.compare(this.due, chunk.due);
			return (byDue != 0) ? byDue : Long.compare(this.sequence, chunk.sequence);
		}

	}

	private static Thread daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

}
