package io.syncsocket;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import io.syncsocket.internal.wire.BlobCodec;
import io.syncsocket.internal.wire.Compression;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.Ids;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;

/**
 * A hand-driven peer for tests: a plain blocking {@link Socket} to a {@link MeshSocket}'s
 * bound address that writes whatever bytes a test asks for (valid frames, broken frames,
 * half frames) and reads the node's frames back (PROTOCOL.md §1, §2, §5.1).
 *
 * <p>
 * Every read is bounded: a read that sees nothing within its timeout fails with
 * {@link SocketTimeoutException}. Not thread-safe; one test thread drives it. Close it in
 * {@code @AfterEach}.
 */
final class RawPeer implements AutoCloseable {

	/**
	 * Default bound for reads: generous, so that a loaded machine does not make tests
	 * flaky.
	 */
	static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * What this peer advertises unless a test says otherwise (the same as js2p and
	 * syncsocket).
	 */
	static final List<Integer> COMPRESSION = List.of(0x13, 0x11);

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private final String id;

	private final BlobCodec blobs = new BlobCodec(MeshLimits.DEFAULT_MAX_FRAME_LENGTH);

	private final Frame nodeHandshake;

	private RawPeer(Socket socket) throws IOException {
		this.socket = socket;
		this.in = socket.getInputStream();
		this.out = socket.getOutputStream();
		this.id = "RawPeer" + UUID.randomUUID().toString().replace("-", "");
		// The node sends its handshake as soon as the connection exists (PROTOCOL.md
		// §5.2).
		this.nodeHandshake = readFrame(READ_TIMEOUT);
	}

	/** Connects to the node and reads its handshake, the first frame it sends. */
	static RawPeer connect(MeshSocket node) throws IOException {
		return connect(node, 0);
	}

	/**
	 * Connects with a fixed receive buffer (0: the system's, which autotunes up to tens
	 * of MB on loopback); a small one makes a peer that does not read back-pressure the
	 * node quickly.
	 */
	static RawPeer connect(MeshSocket node, int receiveBufferSize) throws IOException {
		InetSocketAddress address = node.boundAddress();
		Socket socket = new Socket();
		try {
			if (receiveBufferSize > 0) {
				socket.setReceiveBufferSize(receiveBufferSize);
			}
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress("127.0.0.1", address.getPort()), (int) READ_TIMEOUT.toMillis());
			return new RawPeer(socket);
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

	/** This peer's node id (a str on the wire). */
	String id() {
		return this.id;
	}

	/**
	 * The local port of the TCP connection, as the node sees it in its remote address.
	 */
	int localPort() {
		return this.socket.getLocalPort();
	}

	/** The handshake the node sent right after the connection was made. */
	Frame nodeHandshake() {
		return this.nodeHandshake;
	}

	// ---------------------------------------------------------------- sending

	/** Writes bytes as they are: no header, no checksum. */
	void sendRaw(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	/** Writes a 4-byte big-endian length header and nothing else. */
	void sendHeader(long length) throws IOException {
		sendRaw(header(length));
	}

	/** Writes one frame: the length of {@code blob}, then {@code blob}. */
	void sendFrame(byte[] blob) throws IOException {
		ByteBuffer frame = ByteBuffer.allocate(4 + blob.length).putInt(blob.length).put(blob);
		sendRaw(frame.array());
	}

	/**
	 * Writes a frame whose blob is {@code SHA-256(body) || body}: a correct checksum over
	 * any body.
	 */
	void sendBody(byte[] body) throws IOException {
		sendFrame(withChecksum(body));
	}

	/**
	 * Builds a message authored by this peer (time now), as a complete frame that is not
	 * sent yet.
	 */
	byte[] frameOf(int msgType, @Nullable Object... payload) {
		byte[] blob = MessageCodec.encode(msgType, this.id, nowSeconds(), Arrays.asList(payload));
		return ByteBuffer.allocate(4 + blob.length).putInt(blob.length).put(blob).array();
	}

	/** The handshake {@link #sendHandshake} sends, as a frame that is not sent yet. */
	byte[] handshakeFrame(String protocolId, List<Integer> compression) {
		return frameOf(Flags.WHISPER, Flags.HANDSHAKE, this.id, protocolId.getBytes(StandardCharsets.US_ASCII),
				address(), compression);
	}

	/**
	 * Builds a message authored by this peer (time now) and sends it uncompressed;
	 * returns the blob.
	 */
	byte[] send(int msgType, @Nullable Object... payload) throws IOException {
		byte[] blob = MessageCodec.encode(msgType, this.id, nowSeconds(), Arrays.asList(payload));
		sendFrame(blob);
		return blob;
	}

	/** Like {@link #send}, but the blob is compressed with {@code compression} first. */
	byte[] sendCompressed(Compression compression, int msgType, @Nullable Object... payload) throws IOException {
		byte[] blob = MessageCodec.encode(msgType, this.id, nowSeconds(), Arrays.asList(payload));
		sendFrame(this.blobs.seal(blob, compression));
		return blob;
	}

	/** Sends a user broadcast {@code [0x00, packets...]}. */
	byte[] sendUserBroadcast(@Nullable Object... packets) throws IOException {
		return send(Flags.BROADCAST, prepend(Flags.BROADCAST, packets));
	}

	/** Sends a user whisper {@code [0x02, packets...]}. */
	byte[] sendUserWhisper(@Nullable Object... packets) throws IOException {
		return send(Flags.WHISPER, prepend(Flags.WHISPER, packets));
	}

	/**
	 * Sends a handshake exactly as {@code MeshNode} does: ids as str, the protocol id as
	 * bin, a dialable {@code [host, port]} and the compression list (PROTOCOL.md §5.1).
	 */
	void sendHandshake(String protocolId, List<Integer> compression) throws IOException {
		sendRaw(handshakeFrame(protocolId, compression));
	}

	/** The {@code [host, port]} this peer advertises (nothing listens there). */
	List<Object> address() {
		return List.of("127.0.0.1", localPort());
	}

	/**
	 * Completes a valid handshake with {@code node}: sends the handshake, waits until the
	 * node answers with its {@code peers} message (it sends it only after accepting the
	 * handshake) and then sends an empty peers list, as a real peer would (so the node
	 * never needs to ask with {@code request "*"}).
	 * @return the node's peers message
	 */
	WireMessage handshake(MeshSocket node) throws IOException {
		return handshake(node, COMPRESSION);
	}

	WireMessage handshake(MeshSocket node, List<Integer> compression) throws IOException {
		sendHandshake(node.protocolId(), compression);
		WireMessage peers = awaitMessage((message) -> message.subFlag() == Flags.PEERS, READ_TIMEOUT);
		send(Flags.WHISPER, Flags.PEERS, List.of());
		return peers;
	}

	/**
	 * Like {@link #handshake(MeshSocket)}, but encoded as js2p does: the protocol id as
	 * str (PROTOCOL.md §5.1).
	 */
	WireMessage handshakeAsJs2p(MeshSocket node) throws IOException {
		send(Flags.WHISPER, Flags.HANDSHAKE, this.id, node.protocolId(), address(), COMPRESSION);
		WireMessage peers = awaitMessage((message) -> message.subFlag() == Flags.PEERS, READ_TIMEOUT);
		send(Flags.WHISPER, Flags.PEERS, List.of());
		return peers;
	}

	// ---------------------------------------------------------------- receiving

	/**
	 * Reads the next frame: length header, blob, {@link BlobCodec#open} (raw first, then
	 * zlib/gzip) and {@link MessageCodec#decode}.
	 * @throws SocketTimeoutException if no complete frame arrives within {@code timeout}
	 * @throws EOFException if the node closed the connection
	 */
	Frame readFrame(Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		byte[] header = readFully(4, deadline);
		long length = ByteBuffer.wrap(header).getInt() & 0xFFFFFFFFL;
		if (length > MeshLimits.DEFAULT_MAX_FRAME_LENGTH) {
			throw new IOException("the node announced a frame of " + length + " bytes");
		}
		byte[] blob = readFully((int) length, deadline);
		return new Frame(blob, MessageCodec.decode(this.blobs.open(blob)));
	}

	/**
	 * Reads frames until one matches, skipping the others; fails after {@code timeout}.
	 */
	WireMessage awaitMessage(Predicate<WireMessage> condition, Duration timeout) throws IOException {
		return awaitFrame((frame) -> condition.test(frame.message()), timeout).message();
	}

	/**
	 * Reads frames until one matches, skipping the others; fails after {@code timeout}.
	 */
	Frame awaitFrame(Predicate<Frame> condition, Duration timeout) throws IOException {
		List<Frame> frames = readUntil(condition, timeout);
		return frames.get(frames.size() - 1);
	}

	/**
	 * Reads frames until one matches; fails after {@code timeout}.
	 * @return every frame read, the matching one last
	 */
	List<Frame> readUntil(Predicate<Frame> condition, Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<Frame> frames = new ArrayList<>();
		while (true) {
			Frame frame = readFrame(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			frames.add(frame);
			if (condition.test(frame)) {
				return frames;
			}
		}
	}

	/**
	 * Reads frames until the one carrying {@code token} among its packets (a user
	 * message).
	 */
	Frame awaitToken(String token) throws IOException {
		return awaitFrame((frame) -> frame.message().payload().contains(token), READ_TIMEOUT);
	}

	/**
	 * Waits until the node closes the connection (end of stream or reset), reading
	 * whatever it still sends. Fails with an {@link AssertionError} if the connection is
	 * still open after {@code bound}.
	 * @return the frames received before the close, in order
	 */
	List<Frame> awaitClosed(Duration bound) throws IOException {
		long deadline = System.nanoTime() + bound.toNanos();
		List<Frame> frames = new ArrayList<>();
		while (true) {
			try {
				frames.add(readFrame(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))));
			}
			catch (EOFException | SocketException ex) {
				// EOF or "connection reset": the node closed the link.
				return frames;
			}
			catch (SocketTimeoutException ex) {
				throw new AssertionError(
						"the node did not close the connection within " + bound + " (frames read: " + frames + ")");
			}
		}
	}

	/** Closes the socket with a normal FIN. Idempotent. */
	@Override
	public void close() throws IOException {
		this.blobs.close();
		this.socket.close();
	}

	/**
	 * Sends a FIN (half-close): the node sees the end of the stream while this peer can
	 * still read.
	 */
	void shutdownOutput() throws IOException {
		this.socket.shutdownOutput();
	}

	/** Closes the socket with a TCP reset (SO_LINGER 0) instead of a FIN. */
	void reset() throws IOException {
		this.socket.setSoLinger(true, 0);
		close();
	}

	private byte[] readFully(int length, long deadlineNanos) throws IOException {
		byte[] bytes = new byte[length];
		int read = 0;
		while (read < length) {
			long remainingMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
			if (remainingMillis <= 0) {
				throw new SocketTimeoutException("no complete frame within the read timeout");
			}
			this.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
			int n = this.in.read(bytes, read, length - read);
			if (n < 0) {
				throw new EOFException("the node closed the connection");
			}
			read += n;
		}
		return bytes;
	}

	// ---------------------------------------------------------------- building blocks

	static long nowSeconds() {
		return System.currentTimeMillis() / 1000;
	}

	static byte[] header(long length) {
		return ByteBuffer.allocate(4).putInt((int) length).array();
	}

	static byte[] withChecksum(byte[] body) {
		byte[] blob = new byte[32 + body.length];
		Ids.sha256Into(body, 0, body.length, blob, 0);
		System.arraycopy(body, 0, blob, 32, body.length);
		return blob;
	}

	private static @Nullable Object[] prepend(int subFlag, @Nullable Object[] packets) {
		@Nullable Object[] payload = new Object[packets.length + 1];
		payload[0] = subFlag;
		System.arraycopy(packets, 0, payload, 1, packets.length);
		return payload;
	}

	@Override
	public String toString() {
		return "RawPeer[" + this.id + ", local port " + localPort() + "]";
	}

	/**
	 * A frame read from the node.
	 *
	 * @param blob the blob as it arrived (possibly compressed)
	 * @param message the decoded message
	 */
	record Frame(byte[] blob, WireMessage message) {

		/** Whether the blob arrived zlib-compressed ({@code 78 ..}) rather than raw. */
		boolean zlib() {
			return !raw() && (this.blob[0] & 0xff) == 0x78;
		}

		/** Whether the blob arrived gzip-compressed ({@code 1f 8b}). */
		boolean gzip() {
			return !raw() && (this.blob[0] & 0xff) == 0x1f && (this.blob[1] & 0xff) == 0x8b;
		}

		/**
		 * Whether the blob arrived uncompressed (its first 32 bytes are the SHA-256 of
		 * the rest).
		 */
		boolean raw() {
			return Ids.checksumMatches(this.blob, this.blob.length);
		}

		@Override
		public String toString() {
			return this.message.toString();
		}

	}

}
