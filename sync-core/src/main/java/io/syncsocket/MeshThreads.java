package io.syncsocket;

import java.util.concurrent.Executor;

import io.netty.channel.EventLoopGroup;
import org.jspecify.annotations.Nullable;

import static io.syncsocket.OptionChecks.requireAtLeast;

/**
 * Immutable choice of the threads one {@link MeshSocket} runs on: its Netty I/O threads
 * (made by the socket, or a shared event-loop group it leaves alone) and where listener
 * callbacks are delivered. Set with
 * {@link MeshOptions.Builder#threads(java.util.function.Consumer)}:
 *
 * <pre>{@code
 * MeshOptions options = MeshOptions.builder()
 *     .threads((threads) -> threads.ioThreads(1).listenerExecutor(executor))
 *     .build();
 * }</pre>
 */
public final class MeshThreads {

	/** Most I/O threads by default: {@code min(2, available processors)}. */
	public static final int DEFAULT_MAX_IO_THREADS = 2;

	/** Default: the native (epoll) transport where available, NIO otherwise. */
	public static final boolean DEFAULT_NATIVE_TRANSPORT = true;

	private final int ioThreads;

	private final boolean nativeTransport;

	private final @Nullable EventLoopGroup eventLoopGroup;

	private final @Nullable Executor listenerExecutor;

	private MeshThreads(Builder builder) {
		this.ioThreads = builder.ioThreads;
		this.nativeTransport = builder.nativeTransport;
		this.eventLoopGroup = builder.eventLoopGroup;
		this.listenerExecutor = builder.listenerExecutor;
	}

	/** A builder with every default. */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The defaults: the socket's own event-loop group of {@code min(2, processors)}
	 * threads, native where available, listeners on the node loop.
	 */
	public static MeshThreads defaults() {
		return builder().build();
	}

	/** A builder initialised with these settings. */
	public Builder mutate() {
		return new Builder(this);
	}

	/** Number of I/O threads of the event-loop group the socket creates. */
	public int ioThreads() {
		return this.ioThreads;
	}

	/**
	 * Whether the socket uses Netty's native epoll transport where it can load (default
	 * true).
	 */
	public boolean nativeTransport() {
		return this.nativeTransport;
	}

	/**
	 * A shared Netty event-loop group, or null for one the socket makes and shuts down.
	 */
	public @Nullable EventLoopGroup eventLoopGroup() {
		return this.eventLoopGroup;
	}

	/** The executor listener callbacks are delivered on, or null for the node loop. */
	public @Nullable Executor listenerExecutor() {
		return this.listenerExecutor;
	}

	/** Every setting; an executor or event-loop group shows as given or not. */
	@Override
	public String toString() {
		return "MeshThreads[ioThreads=" + this.ioThreads + ", nativeTransport=" + this.nativeTransport
				+ ", eventLoopGroup=" + ((this.eventLoopGroup != null) ? "given" : "own") + ", listenerExecutor="
				+ ((this.listenerExecutor != null) ? "given" : "node loop") + "]";
	}

	/** Builds {@link MeshThreads}. */
	public static final class Builder {

		private int ioThreads = Math.min(DEFAULT_MAX_IO_THREADS, Runtime.getRuntime().availableProcessors());

		private boolean nativeTransport = DEFAULT_NATIVE_TRANSPORT;

		private @Nullable EventLoopGroup eventLoopGroup;

		private @Nullable Executor listenerExecutor;

		private Builder() {
		}

		private Builder(MeshThreads threads) {
			this.ioThreads = threads.ioThreads;
			this.nativeTransport = threads.nativeTransport;
			this.eventLoopGroup = threads.eventLoopGroup;
			this.listenerExecutor = threads.listenerExecutor;
		}

		/**
		 * Number of I/O threads of the event-loop group the socket creates (ignored with
		 * {@link #eventLoopGroup}).
		 */
		public Builder ioThreads(int ioThreads) {
			this.ioThreads = requireAtLeast(ioThreads, 1, "ioThreads");
			return this;
		}

		/**
		 * Whether to use Netty's native epoll transport on Linux (default true): lower
		 * latency than NIO (fewer wake-ups per message), same wire. sync-core brings the
		 * native library for linux-x86_64; on other platforms add
		 * {@code netty-transport-native-epoll} with that platform's classifier, or NIO is
		 * used. {@code false} forces NIO. Ignored with {@link #eventLoopGroup}, whose own
		 * I/O type decides.
		 */
		public Builder nativeTransport(boolean nativeTransport) {
			this.nativeTransport = nativeTransport;
			return this;
		}

		/**
		 * A Netty event-loop group to share; the socket uses it but never shuts it down.
		 */
		public Builder eventLoopGroup(@Nullable EventLoopGroup eventLoopGroup) {
			this.eventLoopGroup = eventLoopGroup;
			return this;
		}

		/**
		 * Delivers listener callbacks on this executor instead of the node loop (in order
		 * only if it is serial).
		 */
		public Builder listenerExecutor(@Nullable Executor listenerExecutor) {
			this.listenerExecutor = listenerExecutor;
			return this;
		}

		public MeshThreads build() {
			return new MeshThreads(this);
		}

	}

}
