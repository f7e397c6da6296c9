package io.syncsocket.internal.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Which Netty I/O implementation a transport uses: Linux's native epoll when it can load,
 * else the JDK's NIO. Epoll halves the wake-up cost of a message (measured: one-way
 * latency p50 ~40 µs instead of ~60 µs on the benchmark machine, docs/benchmarks.md); the
 * wire is the same.
 */
public enum IoFlavor {

	/**
	 * Netty's native epoll transport (Linux, with its native library for the platform).
	 */
	EPOLL {
		@Override
		IoHandlerFactory handlerFactory() {
			return EpollIoHandler.newFactory();
		}

		@Override
		Class<? extends ServerChannel> serverChannel() {
			return EpollServerSocketChannel.class;
		}

		@Override
		Class<? extends SocketChannel> clientChannel() {
			return EpollSocketChannel.class;
		}
	},

	/** The JDK's NIO selector: every platform. */
	NIO {
		@Override
		IoHandlerFactory handlerFactory() {
			return NioIoHandler.newFactory();
		}

		@Override
		Class<? extends ServerChannel> serverChannel() {
			return NioServerSocketChannel.class;
		}

		@Override
		Class<? extends SocketChannel> clientChannel() {
			return NioSocketChannel.class;
		}
	};

	abstract IoHandlerFactory handlerFactory();

	abstract Class<? extends ServerChannel> serverChannel();

	abstract Class<? extends SocketChannel> clientChannel();

	/** EPOLL if preferred and its native library loads here, else NIO. */
	static IoFlavor select(boolean preferNative) {
		return (preferNative && epollAvailable()) ? EPOLL : NIO;
	}

	/** The flavor a caller's event-loop group runs: its channels must match it. */
	static IoFlavor of(EventLoopGroup group) {
		if (group instanceof IoEventLoopGroup io && epollAvailable() && io.isIoType(EpollIoHandler.class)) {
			return EPOLL;
		}
		return NIO;
	}

	private static boolean epollAvailable() {
		try {
			return Epoll.isAvailable();
		}
		catch (LinkageError ex) {
			// netty-transport-classes-epoll excluded from the classpath
			return false;
		}
	}

}
