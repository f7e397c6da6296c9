package io.syncsocket.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.zip.Deflater;

import io.netty.buffer.ByteBuf;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.syncsocket.LinkFault;
import io.syncsocket.fuzz.Frames.Shadow;
import io.syncsocket.fuzz.Messages.Body;
import io.syncsocket.fuzz.MsgpackGen.Packed;
import io.syncsocket.internal.transport.FuzzPipeline;
import io.syncsocket.internal.transport.Link;
import io.syncsocket.internal.transport.LinkListener;
import io.syncsocket.internal.wire.BlobCodec;
import io.syncsocket.internal.wire.Compression;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.Msgpack;
import io.syncsocket.internal.wire.WireFormatException;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Seeded fuzzing of the wire codec and of a link's real pipeline ({@code FrameDecoder},
 * {@code FrameEncoder}, {@code LinkHandler}, installed as {@code Transport} does) on an
 * {@link EmbeddedChannel} (PROTOCOL.md §1, §1.1, §2, §5.8).
 *
 * <p>
 * Inputs: random msgpack trees of every format, mutated trees, random bytes, every
 * captured vector frame mutated (bit flips, inserted/deleted/overwritten bytes, changed
 * length headers, truncation, duplication, concatenation, re-checksummed body edits,
 * compression, corrupted compression), structurally valid frames with random msgpack in
 * every message position, and valid-looking protocol messages with one field changed;
 * each stream is fed in random reads.
 *
 * <p>
 * Properties: the codec returns exactly what the generator wrote or fails with
 * {@link WireFormatException} and nothing else; on the pipeline no exception escapes
 * {@code writeInbound}, the listener gets exactly the messages and the single
 * {@link LinkFault} that a Netty-free decode of the same stream predicts (a stalled
 * partial frame ends in {@code STALLED_FRAME}), echoed messages come back intact through
 * the encoder, every buffer is released (allocator tracking plus Netty's paranoid leak
 * detector) and {@code finish()} is false. Seed and case counts: {@link FuzzSettings}.
 */
@Tag("slow")
class PipelineFuzzTests {

	private static final int MAX_FRAME = 128 * 1024;

	private static final long STALL_MILLIS = 500;

	private static final int QUEUED_BYTES = 64 * 1024 * 1024;

	private static final String SENDER = "74GaqAyWe16ccXu3wv8E8yFk5ugrpLqBSEyNVtJMVSqyrgJPvJeRCb2eRhkqW2Pyty";

	private static final String OTHER = "R2AU2SiEDYuQDF3goknNe1DB6DiU5XLaiRZtq4c23E4egBcRppGWdXtm5KbXWXxqE";

	private static final String PROTOCOL = "p7sAnBsK3n5enFXH7vEGQjzS6t6RH1CeEoYekNjr5Jn";

	private static final long TIME = 1764150000L;

	private static final FuzzSettings.Tally tally = new FuzzSettings.Tally("PipelineFuzzTests");

	private static LogCapture logs;

	@BeforeAll
	static void captureLogs() {
		logs = new LogCapture();
	}

	@AfterEach
	void noProblemsLogged() {
		assertThat(logs.problems()).as("WARN/ERROR lines from Netty or syncsocket (seed %s)", FuzzSettings.hexSeed())
			.isEmpty();
	}

	@AfterAll
	static void report() {
		try {
			LogCapture.provokeLeakReports();
			tally.print();
			assertThat(logs.problems()).as("Netty leak reports or other problems after all cases").isEmpty();
		}
		finally {
			logs.close();
		}
	}

	// ---------------------------------------------------------------- codec

	@Test
	void msgpackTreesShouldDecodeToExactlyWhatWasWritten() {
		String category = "codec.msgpack-trees";
		int cases = tally.plan(category, 10);
		SplittableRandom seeds = FuzzSettings.random(category);
		for (int i = 0; i < cases; i++) {
			long seed = seeds.nextLong();
			MsgpackGen gen = generator(new SplittableRandom(seed));
			Packed value = gen.any();
			try {
				Object decoded = Msgpack.decode(value.bytes());
				if (value.depth() > Msgpack.MAX_DEPTH + 1) {
					fail("accepted a value nested %d deep", value.depth());
				}
				assertThat(MsgpackGen.deepEquals(decoded, value.expected()))
					.as("decoded %s, expected %s", decoded, value.expected())
					.isTrue();
				// Re-encoding the decoded value (minimal widths) decodes to the same
				// value.
				Object again = Msgpack.decode(Msgpack.encode(decoded));
				assertThat(MsgpackGen.deepEquals(again, decoded)).as("re-encoded %s", again).isTrue();
				tally.outcome(category, "decoded");
			}
			catch (WireFormatException ex) {
				assertThat(value.depth()).as("rejected a value nested %d deep: %s", value.depth(), ex.getMessage())
					.isGreaterThan(Msgpack.MAX_DEPTH + 1);
				assertThat(ex.fault()).isEqualTo(LinkFault.MALFORMED_MESSAGE);
				tally.outcome(category, "too deep");
			}
			catch (Throwable ex) {
				throw failure(category, i, seed, value.bytes(), ex);
			}
			tally.ran(category);
		}
		tally.done(category);
	}

	@Test
	void mutatedMsgpackShouldDecodeOrFailAsMalformed() {
		String category = "codec.msgpack-mutated";
		int cases = tally.plan(category, 10);
		SplittableRandom seeds = FuzzSettings.random(category);
		for (int i = 0; i < cases; i++) {
			long seed = seeds.nextLong();
			SplittableRandom random = new SplittableRandom(seed);
			byte[] bytes = mutateBytes(generator(random).any().bytes(), random);
			try {
				Msgpack.decode(bytes);
				tally.outcome(category, "decoded");
			}
			catch (WireFormatException ex) {
				assertThat(ex.fault()).isEqualTo(LinkFault.MALFORMED_MESSAGE);
				tally.outcome(category, "malformed");
			}
			catch (Throwable ex) {
				throw failure(category, i, seed, bytes, ex);
			}
			tally.ran(category);
		}
		tally.done(category);
	}

	@Test
	void messageBodiesShouldParseExactlyAsGenerated() {
		String category = "codec.message-bodies";
		int cases = tally.plan(category, 10);
		SplittableRandom seeds = FuzzSettings.random(category);
		for (int i = 0; i < cases; i++) {
			long seed = seeds.nextLong();
			SplittableRandom random = new SplittableRandom(seed);
			MsgpackGen gen = generator(random);
			int kind = random.nextInt(10);
			Body body = (kind < 4) ? Messages.randomPositions(gen, context())
					: (kind < 8) ? Messages.oneField(gen, context()) : randomBody(random);
			byte[] blob = Frames.blob(body.body());
			try {
				WireMessage message = MessageCodec.decode(blob);
				if (body.expected() == null) {
					if (kind < 8) {
						fail("parsed a body the oracle rejects (%s): %s", body.shape(), message);
					}
				}
				else {
					String mismatch = Messages.mismatch(body.expected(), message);
					assertThat(mismatch).as("%s", body.shape()).isNull();
				}
				tally.outcome(category, "parsed");
			}
			catch (WireFormatException ex) {
				assertThat(ex.fault()).as(ex.getMessage()).isEqualTo(LinkFault.MALFORMED_MESSAGE);
				if (body.expected() != null) {
					fail("rejected a body the oracle accepts (%s): %s", body.shape(), ex.getMessage());
				}
				tally.outcome(category, "malformed");
			}
			catch (Throwable ex) {
				throw failure(category, i, seed, body.body(), ex);
			}
			tally.ran(category);
		}
		tally.done(category);
	}

	@Test
	void blobsShouldOpenOrFailWithAWireFault() {
		String category = "codec.blobs";
		int cases = tally.plan(category, 2);
		SplittableRandom seeds = FuzzSettings.random(category);
		List<byte[]> vectors = Frames.vectorFrames();
		try (BlobCodec codec = new BlobCodec(MAX_FRAME)) {
			for (int i = 0; i < cases; i++) {
				long seed = seeds.nextLong();
				SplittableRandom random = new SplittableRandom(seed);
				byte[] blob = randomBlob(random, vectors);
				try {
					byte[] opened = codec.open(blob);
					assertThat(Arrays.equals(Frames.sha256(Arrays.copyOfRange(opened, 32, opened.length)),
							Arrays.copyOf(opened, 32)))
						.as("opened blob verifies")
						.isTrue();
					tally.outcome(category, "opened");
				}
				catch (WireFormatException ex) {
					assertThat(ex.fault()).isIn(LinkFault.BAD_CHECKSUM, LinkFault.FRAME_TOO_LARGE);
					tally.outcome(category, ex.fault().name());
				}
				catch (Throwable ex) {
					throw failure(category, i, seed, blob, ex);
				}
				tally.ran(category);
			}
		}
		tally.done(category);
	}

	// ---------------------------------------------------------------- pipeline

	@Test
	void randomBytesThroughThePipeline() throws Exception {
		String category = "pipeline.random-bytes";
		int cases = tally.plan(category, 1);
		SplittableRandom seeds = FuzzSettings.random(category);
		for (int i = 0; i < cases; i++) {
			long seed = seeds.nextLong();
			SplittableRandom random = new SplittableRandom(seed);
			byte[] bytes = new byte[random.nextInt(2000)];
			random.nextBytes(bytes);
			if (bytes.length >= 4 && random.nextBoolean()) {
				// a plausible length header, so the decoder gets to the blob
				System.arraycopy(Frames.header(random.nextInt(bytes.length)), 0, bytes, 0, 4);
			}
			pipelineCase(category, i, seed, bytes, random);
		}
		tally.done(category);
	}

	@Test
	void mutatedVectorFramesThroughThePipeline() throws Exception {
		String category = "pipeline.vector-mutations";
		int cases = tally.plan(category, 4);
		SplittableRandom seeds = FuzzSettings.random(category);
		List<byte[]> vectors = Frames.vectorFrames();
		assertThat(vectors).as("frames in the vectors").hasSizeGreaterThan(100);
		for (int i = 0; i < cases; i++) {
			long seed = seeds.nextLong();
			SplittableRandom random = new SplittableRandom(seed);
			// every vector frame in turn, so each is mutated cases/size times
			byte[] original = vectors.get(i % vectors.size());
			List<String> applied = new ArrayList<>();
			byte[] stream = (random.nextInt(10) == 0) ? concatenation(original, vectors, random)
					: Frames.mutate(original, random, vectors, MAX_FRAME, applied);
			applied.forEach((name) -> tally.outcome(category + ".mutations", name));
			pipelineCase(category, i, seed, stream, random);
		}
		tally.done(category);
	}

	@Test
	void framesWithRandomMsgpackInEveryPositionThroughThePipeline() throws Exception {
		structuredFrames("pipeline.random-positions", 2, Messages::randomPositions);
	}

	@Test
	void protocolMessagesWithOneFieldChangedThroughThePipeline() throws Exception {
		structuredFrames("pipeline.one-field", 2, Messages::oneField);
	}

	private void structuredFrames(String category, double weight,
			BiFunction<MsgpackGen, Messages.Context, Body> generator) throws Exception {
		int cases = tally.plan(category, weight);
		SplittableRandom seeds = FuzzSettings.random(category);
		for (int i = 0; i < cases; i++) {
			long seed = seeds.nextLong();
			SplittableRandom random = new SplittableRandom(seed);
			MsgpackGen gen = generator(random);
			int frames = 1 + random.nextInt(4);
			List<Body> bodies = new ArrayList<>();
			List<byte[]> wire = new ArrayList<>();
			List<byte[]> blobs = new ArrayList<>();
			try (BlobCodec codec = new BlobCodec(MAX_FRAME)) {
				for (int f = 0; f < frames; f++) {
					Body body = generator.apply(gen, context());
					byte[] blob = Frames.blob(body.body());
					int compress = random.nextInt(6);
					byte[] sealed = (compress == 0) ? codec.seal(blob, Compression.ZLIB)
							: (compress == 1) ? codec.seal(blob, Compression.GZIP) : blob;
					bodies.add(body);
					blobs.add(blob);
					wire.add(Frames.frame(sealed));
				}
			}
			byte[] stream = Frames.concat(wire.toArray(new byte[0][]));
			Shadow shadow = pipelineCase(category, i, seed, stream, random);
			try {
				assertMatchesOracle(bodies, blobs, wire, shadow);
			}
			catch (Throwable ex) {
				throw failure(category, i, seed, stream, ex);
			}
		}
		tally.done(category);
	}

	/**
	 * The decode of a stream of generated frames agrees with what the generator says of
	 * each frame.
	 */
	private static void assertMatchesOracle(List<Body> bodies, List<byte[]> blobs, List<byte[]> wire, Shadow shadow) {
		for (int f = 0; f < bodies.size(); f++) {
			Body body = bodies.get(f);
			boolean tooLarge = wire.get(f).length - 4 > MAX_FRAME || blobs.get(f).length > MAX_FRAME;
			if (tooLarge || body.expected() == null) {
				assertThat(shadow.messages()).as("messages before frame %d (%s)", f, body.shape()).hasSize(f);
				assertThat(shadow.fault()).as("fault of frame %d (%s)", f, body.shape())
					.isEqualTo(tooLarge ? LinkFault.FRAME_TOO_LARGE : LinkFault.MALFORMED_MESSAGE);
				return;
			}
			assertThat(shadow.messages()).as("messages decoded (%s)", body.shape()).hasSizeGreaterThan(f);
			assertThat(Messages.mismatch(body.expected(), shadow.messages().get(f)))
				.as("frame %d (%s)", f, body.shape())
				.isNull();
		}
		assertThat(shadow.fault()).isNull();
		assertThat(shadow.messages()).hasSize(bodies.size());
	}

	/**
	 * Feeds a stream in random reads to a fresh link pipeline and checks it against the
	 * Netty-free decode of the same stream.
	 */
	private Shadow pipelineCase(String category, int index, long seed, byte[] stream, SplittableRandom random)
			throws Exception {
		Shadow expected = Frames.shadow(stream, MAX_FRAME);
		TrackingAllocator allocator = new TrackingAllocator();
		MockTicker ticker = Ticker.newMockTicker();
		EmbeddedChannel channel = EmbeddedChannel.builder().ticker(ticker).register(false).build();
		channel.config().setAllocator(allocator);
		// Transport's per-link cap on queued bytes (MeshOptions' default), not
		// EmbeddedChannel's 64 KiB: echoed messages wait in the outbound buffer until
		// drained, and must not look like a slow peer.
		channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(QUEUED_BYTES / 2, QUEUED_BYTES));
		Recorder recorder = new Recorder(random.nextInt(4) == 0, random.nextBoolean());
		Link link = FuzzPipeline.install(channel, MAX_FRAME, TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS), recorder);
		recorder.link = link;
		int compression = random.nextInt(3);
		link.compression((compression == 0) ? null : (compression == 1) ? Compression.ZLIB : Compression.GZIP);
		List<ByteBuf> inputs = new ArrayList<>();
		boolean stalled = false;
		try {
			channel.register();
			for (byte[] chunk : Frames.split(stream, random)) {
				if (!channel.isOpen()) {
					break; // a closed connection reads nothing more
				}
				ByteBuf input = allocator.heapBuffer(chunk.length).writeBytes(chunk);
				inputs.add(input);
				channel.writeInbound(input);
				recorder.drainEchoes(channel);
			}
			if (expected.stalls() && channel.isOpen() && random.nextBoolean()) {
				stalled = true;
				ticker.advance(STALL_MILLIS + 1, TimeUnit.MILLISECONDS);
				channel.runScheduledPendingTasks();
				channel.runPendingTasks();
			}
			recorder.drainEchoes(channel);
			boolean openBeforeFinish = channel.isOpen();
			assertThat(channel.finish()).as("finish(): messages left in the channel").isFalse();

			assertThat(recorder.events).as("events").isNotEmpty();
			assertThat(recorder.events.get(0)).isEqualTo("active");
			assertThat(recorder.events.get(recorder.events.size() - 1)).isEqualTo("closed");
			assertThat(recorder.events.stream().filter("closed"::equals)).as("closed events").hasSize(1);
			assertThat(recorder.messages).as("messages delivered (expected %s)", expected.describe())
				.hasSameSizeAs(expected.messages());
			for (int m = 0; m < expected.messages().size(); m++) {
				assertThat(recorder.messages.get(m).blob()).as("message %d", m)
					.isEqualTo(expected.messages().get(m).blob());
			}
			LinkFault fault = (expected.fault() != null) ? expected.fault() : stalled ? LinkFault.STALLED_FRAME : null;
			if (fault == null) {
				assertThat(recorder.faults).as("faults (expected %s)", expected.describe()).isEmpty();
			}
			else {
				assertThat(recorder.faults).as("faults (expected %s)", expected.describe()).containsExactly(fault);
			}
			assertThat(openBeforeFinish).as("link open until the peer goes away, unless a fault closed it")
				.isEqualTo(fault == null);
			assertThat(recorder.echoErrors).as("echoed messages that did not come back intact").isEmpty();
			for (ByteBuf input : inputs) {
				assertThat(input.refCnt()).as("input buffer released").isZero();
			}
			assertThat(allocator.unreleased()).as("buffers from the channel's allocator not released").isEmpty();
		}
		catch (Throwable ex) {
			allocator.releaseAll();
			channel.close();
			channel.releaseInbound();
			channel.releaseOutbound();
			throw failure(category, index, seed, stream,
					new AssertionError("expected " + expected.describe() + "; events " + recorder.events, ex));
		}
		tally.ran(category);
		tally.outcome(category, (expected.fault() != null) ? expected.fault().name()
				: stalled ? "STALLED_FRAME" : expected.stalls() ? "partial at close" : "clean");
		return expected;
	}

	// ---------------------------------------------------------------- inputs

	private static MsgpackGen generator(SplittableRandom random) {
		return new MsgpackGen(random, Messages.interesting(context(), List.of(OTHER)), (value) -> false);
	}

	private static Messages.Context context() {
		return new Messages.Context(SENDER, PROTOCOL, 44565, List.of("hello", Frames.utf8("k"), "", "fuzz/key"),
				List.of(SENDER, OTHER), () -> TIME);
	}

	private static Body randomBody(SplittableRandom random) {
		byte[] body = new byte[random.nextInt(300)];
		random.nextBytes(body);
		if (body.length > 0 && random.nextBoolean()) {
			body[0] = (byte) (0x93 + random.nextInt(8)); // a fixarray header, so parsing
															// goes further
		}
		return new Body(body, "random bytes", null);
	}

	private static byte[] mutateBytes(byte[] bytes, SplittableRandom random) {
		byte[] out = bytes.clone();
		switch (random.nextInt(5)) {
			case 0 -> {
				for (int i = 0; i < 1 + random.nextInt(4) && out.length > 0; i++) {
					out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
				}
			}
			case 1 -> out = Arrays.copyOf(out, random.nextInt(out.length + 1));
			case 2 -> {
				if (out.length > 0) {
					out[random.nextInt(out.length)] = (byte) (0xc0 + random.nextInt(0x20));
				}
			}
			case 3 -> {
				int at = random.nextInt(out.length + 1);
				byte[] extra = new byte[1 + random.nextInt(5)];
				random.nextBytes(extra);
				out = Frames.concat(Arrays.copyOf(out, at), extra, Arrays.copyOfRange(out, at, out.length));
			}
			default -> {
				if (out.length > 1) {
					int at = random.nextInt(out.length);
					out = Frames.concat(Arrays.copyOf(out, at), Arrays.copyOfRange(out, at + 1, out.length));
				}
			}
		}
		return out;
	}

	/** Random blobs, vector blobs compressed and corrupted, and decompression bombs. */
	private static byte[] randomBlob(SplittableRandom random, List<byte[]> vectors) {
		byte[] vector = vectors.get(random.nextInt(vectors.size()));
		byte[] blob = Arrays.copyOfRange(vector, 4, vector.length);
		switch (random.nextInt(6)) {
			case 0 -> {
				byte[] bytes = new byte[random.nextInt(200)];
				random.nextBytes(bytes);
				return bytes;
			}
			case 1, 2 -> {
				try (BlobCodec codec = new BlobCodec(MAX_FRAME)) {
					byte[] sealed = codec.seal(blob, random.nextBoolean() ? Compression.ZLIB : Compression.GZIP);
					if (random.nextBoolean()) {
						sealed[random.nextInt(sealed.length)] ^= (byte) (1 << random.nextInt(8));
					}
					return random.nextBoolean() ? sealed : Arrays.copyOf(sealed, random.nextInt(sealed.length + 1));
				}
			}
			case 3 -> {
				// a zlib stream of many zero bytes: small on the wire, larger than the
				// maximum when inflated
				byte[] zeros = new byte[MAX_FRAME + random.nextInt(-64, 4096)];
				Deflater deflater = new Deflater();
				try {
					deflater.setInput(zeros);
					deflater.finish();
					byte[] out = new byte[zeros.length];
					int n = deflater.deflate(out);
					return Arrays.copyOf(out, n);
				}
				finally {
					deflater.end();
				}
			}
			case 4 -> {
				byte[] bytes = new byte[2 + random.nextInt(100)];
				random.nextBytes(bytes);
				bytes[0] = 0x1f;
				bytes[1] = (byte) 0x8b;
				return bytes;
			}
			default -> {
				return blob;
			}
		}
	}

	private static byte[] concatenation(byte[] first, List<byte[]> vectors, SplittableRandom random) {
		byte[] out = first;
		for (int i = random.nextInt(6); i > 0; i--) {
			out = Frames.concat(out, vectors.get(random.nextInt(vectors.size())));
		}
		return out;
	}

	private static AssertionError failure(String category, int index, long seed, byte[] input, Throwable cause) {
		return new AssertionError(String.format("fuzz case %s #%d failed (base seed %s, case seed %d): %s%n input %s",
				category, index, FuzzSettings.hexSeed(), seed, cause, Frames.hexPrefix(input, 512)), cause);
	}

	/**
	 * A listener recording what the link reports; optionally echoes every message back
	 * through the encoder.
	 */
	private static final class Recorder implements LinkListener {

		final List<String> events = new ArrayList<>();

		final List<WireMessage> messages = new ArrayList<>();

		final List<LinkFault> faults = new ArrayList<>();

		final List<byte[]> echoed = new ArrayList<>();

		final List<String> echoErrors = new ArrayList<>();

		private final boolean echo;

		private final boolean compressible;

		@Nullable Link link;

		Recorder(boolean echo, boolean compressible) {
			this.echo = echo;
			this.compressible = compressible;
		}

		@Override
		public void linkActive(Link link) {
			this.events.add("active");
		}

		@Override
		public void messageReceived(Link link, WireMessage message) {
			this.events.add("message");
			this.messages.add(message);
			if (this.echo && link.isOpen()) {
				this.echoed.add(message.blob());
				link.send(message.blob(), this.compressible);
			}
		}

		@Override
		public void linkFault(Link link, LinkFault fault, String detail) {
			this.events.add("fault " + fault);
			this.faults.add(fault);
		}

		@Override
		public void linkClosed(Link link) {
			this.events.add("closed");
		}

		/**
		 * Reads the echoed frames (header and blob buffers), checks and releases them.
		 */
		void drainEchoes(EmbeddedChannel channel) {
			try (BlobCodec codec = new BlobCodec(MAX_FRAME)) {
				while (true) {
					ByteBuf header = channel.readOutbound();
					if (header == null) {
						return;
					}
					ByteBuf blob = channel.readOutbound();
					try {
						byte[] bytes = new byte[blob.readableBytes()];
						blob.getBytes(blob.readerIndex(), bytes);
						byte[] original = this.echoed.isEmpty() ? new byte[0] : this.echoed.remove(0);
						if (header.getInt(header.readerIndex()) != bytes.length) {
							this.echoErrors
								.add("length header " + header.getInt(header.readerIndex()) + " for " + bytes.length);
						}
						else if (!Arrays.equals(codec.open(bytes), original)) {
							this.echoErrors.add("echo of a " + original.length + "-byte blob changed");
						}
					}
					catch (WireFormatException ex) {
						this.echoErrors.add("echo does not open: " + ex.getMessage());
					}
					finally {
						header.release();
						if (blob != null) {
							blob.release();
						}
					}
				}
			}
		}

	}

}
