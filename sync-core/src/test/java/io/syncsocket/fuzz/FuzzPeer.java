package io.syncsocket.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.syncsocket.internal.wire.BlobCodec;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;

/**
 * A raw TCP peer for the socket fuzz test (the fuzz package's counterpart of the
 * package-private {@code io.syncsocket.RawPeer}): a blocking socket that writes whatever
 * bytes it is given, and a reader thread that reads, opens and decodes every frame the
 * node sends (so the node is never blocked on a full socket buffer) and records the end
 * of the stream. A frame from the node that does not decode is recorded as an error: the
 * node must only ever send valid frames.
 *
 * <p>
 * Writes from the test thread; the reader's state is read from any thread.
 */
final class FuzzPeer implements AutoCloseable {

	private static final int MAX_FRAME = 64 * 1024 * 1024;

	private final Socket socket;

	private final OutputStream out;

	private final String id;

	private final Thread reader;

	private final AtomicInteger framesRead = new AtomicInteger();

	private final AtomicInteger peersMessages = new AtomicInteger();

	private volatile boolean ended;

	private volatile @Nullable Throwable readError;

	private FuzzPeer(Socket socket, String id) throws IOException {
		this.socket = socket;
		this.out = socket.getOutputStream();
		this.id = id;
		InputStream in = socket.getInputStream();
		this.reader = new Thread(() -> read(in), "fuzz-peer-reader");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	static FuzzPeer connect(int port, String id) throws IOException {
		Socket socket = new Socket();
		try {
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
			return new FuzzPeer(socket, id);
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

	String id() {
		return this.id;
	}

	int localPort() {
		return this.socket.getLocalPort();
	}

	/**
	 * Writes bytes; false if the connection is already gone (the node closed it, so a
	 * write fails with a reset or a broken pipe).
	 */
	boolean write(byte[] bytes) {
		try {
			this.out.write(bytes);
			this.out.flush();
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * A whisper or broadcast authored by this peer, time {@code time}, as a complete
	 * frame.
	 */
	byte[] frame(int msgType, long time, List<?> payload) {
		return Frames.frame(MessageCodec.encode(msgType, this.id, time, payload));
	}

	/**
	 * The handshake the node sends, as syncsocket does it: ids str, protocol id bin, a
	 * dialable address.
	 */
	byte[] handshakeFrame(String protocolId, List<Integer> compression, long time) {
		return frame(0x02, time, List.of(0x05, this.id, protocolId.getBytes(StandardCharsets.US_ASCII),
				List.of("127.0.0.1", localPort()), compression));
	}

	/** Whether the node has closed the connection (end of stream or reset). */
	boolean ended() {
		return this.ended;
	}

	/**
	 * Peers messages received from the node so far (one after each accepted handshake or
	 * request).
	 */
	int peersMessages() {
		return this.peersMessages.get();
	}

	int framesRead() {
		return this.framesRead.get();
	}

	@Nullable Throwable readError() {
		return this.readError;
	}

	/**
	 * Sends a FIN: the node sees the end of the stream and closes its side; the reader
	 * drains until then.
	 */
	void shutdownOutput() {
		try {
			this.socket.shutdownOutput();
		}
		catch (IOException ex) {
			// already gone
		}
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// nothing to do
		}
		try {
			this.reader.join(Duration.ofSeconds(10).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void read(InputStream in) {
		try (BlobCodec blobs = new BlobCodec(MAX_FRAME)) {
			byte[] header = new byte[4];
			while (true) {
				if (!readFully(in, header)) {
					return;
				}
				long length = ByteBuffer.wrap(header).getInt() & 0xFFFFFFFFL;
				if (length > MAX_FRAME) {
					throw new IOException("the node announced a frame of " + length + " bytes");
				}
				byte[] blob = new byte[(int) length];
				if (!readFully(in, blob)) {
					// A link closed while a frame was being written loses the rest of
					// that frame.
					return;
				}
				WireMessage message = MessageCodec.decode(blobs.open(blob));
				this.framesRead.incrementAndGet();
				if (message.subFlag() == 0x07 && message.msgType() == 0x02) {
					this.peersMessages.incrementAndGet();
				}
			}
		}
		catch (IOException ex) {
			if (!this.socket.isClosed() && !isReset(ex)) {
				this.readError = ex;
			}
		}
		catch (RuntimeException ex) {
			this.readError = ex;
		}
		finally {
			this.ended = true;
		}
	}

	private static boolean isReset(IOException ex) {
		String message = String.valueOf(ex.getMessage());
		return message.contains("reset") || message.contains("Socket closed") || message.contains("Broken pipe");
	}

	/** False at the end of the stream. */
	private static boolean readFully(InputStream in, byte[] buffer) throws IOException {
		int read = 0;
		while (read < buffer.length) {
			int n = in.read(buffer, read, buffer.length - read);
			if (n < 0) {
				return false;
			}
			read += n;
		}
		return true;
	}

	@Override
	public String toString() {
		return "FuzzPeer[" + this.id + ", local port " + localPort() + "]";
	}

}
