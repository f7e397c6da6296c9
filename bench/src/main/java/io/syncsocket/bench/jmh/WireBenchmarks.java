package io.syncsocket.bench.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.syncsocket.testkit.Values;
import io.syncsocket.internal.wire.BlobCodec;
import io.syncsocket.internal.wire.Compression;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.Ids;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.Msgpack;
import io.syncsocket.internal.wire.RawMsgpack;
import io.syncsocket.internal.wire.WireMessage;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-message wire work of a live set (PROTOCOL.md §1–2, §7.2): a 3-packet store
 * {@code [0x00, sender, time, 0x0B, key, value]} with a 100-byte str value, as the author
 * encodes it (msgpack + SHA-256), as a receiver opens and decodes it, with and without
 * zlib.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class WireBenchmarks {

	private static final long TIME = 1_790_000_000L;

	private String sender;

	private List<Object> payload;

	private String value;

	private byte[] blob;

	private byte[] zlibBlob;

	private byte[] digest;

	private BlobCodec codec;

	@Setup
	public void setUp() {
		this.sender = Ids.nodeId("127.0.0.1", 44444, Ids.protocolId("sync1", "Plaintext"));
		this.value = Values.value(100);
		byte[] key = "r0-12345".getBytes(StandardCharsets.UTF_8);
		this.payload = List.of(Flags.STORE, key, new RawMsgpack(Msgpack.encode(this.value)));
		this.blob = MessageCodec.encode(Flags.BROADCAST, this.sender, TIME, this.payload);
		this.codec = new BlobCodec(64 * 1024 * 1024);
		this.zlibBlob = this.codec.seal(this.blob, Compression.ZLIB);
		this.digest = new byte[32];
	}

	@TearDown
	public void tearDown() {
		this.codec.close();
	}

	/**
	 * Author side: msgpack body and SHA-256 checksum of a store (MessageCodec.encode).
	 */
	@Benchmark
	public byte[] encodeStore() {
		return MessageCodec.encode(Flags.BROADCAST, this.sender, TIME, this.payload);
	}

	/**
	 * Receiver side, uncompressed: checksum verify (BlobCodec.open) +
	 * MessageCodec.decode.
	 */
	@Benchmark
	public WireMessage decodeStore() {
		return MessageCodec.decode(this.codec.open(this.blob));
	}

	/** Receiver side, zlib: a failed raw checksum, inflate, checksum verify + decode. */
	@Benchmark
	public WireMessage decodeStoreZlib() {
		return MessageCodec.decode(this.codec.open(this.zlibBlob));
	}

	/**
	 * SHA-256 of one store body alone (part of encode, and of decode twice for zlib
	 * frames).
	 */
	@Benchmark
	public byte[] sha256() {
		Ids.sha256Into(this.blob, WireMessage.CHECKSUM_LENGTH, this.blob.length - WireMessage.CHECKSUM_LENGTH,
				this.digest, 0);
		return this.digest;
	}

	/** msgpack of the store message body alone (no checksum). */
	@Benchmark
	public byte[] msgpackStoreBody() throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packArrayHeader(3 + this.payload.size());
		packer.packInt(Flags.BROADCAST);
		Msgpack.pack(packer, this.sender);
		packer.packLong(TIME);
		for (Object packet : this.payload) {
			Msgpack.pack(packer, packet);
		}
		return packer.toByteArray();
	}

	/**
	 * msgpack decoding of the store message body alone (generic decoder, no checksum).
	 */
	@Benchmark
	public Object msgpackDecodeStoreBody() {
		return Msgpack.decode(this.blob, WireMessage.CHECKSUM_LENGTH, this.blob.length - WireMessage.CHECKSUM_LENGTH);
	}

	/**
	 * What SyncSocket.set does to a user's value before anything else (the caller's
	 * thread).
	 */
	@Benchmark
	public byte[] msgpackValue() {
		return Msgpack.encode(this.value);
	}

	/** zlib per frame, as FrameEncoder does on the I/O thread (a reused Deflater). */
	@Benchmark
	public byte[] zlibSeal() {
		return this.codec.seal(this.blob, Compression.ZLIB);
	}

	/**
	 * zlib per frame on receipt: BlobCodec.open of a compressed frame (raw checksum miss,
	 * inflate, verify).
	 */
	@Benchmark
	public byte[] zlibOpen() {
		return this.codec.open(this.zlibBlob);
	}

}
