package io.syncsocket.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;

import io.syncsocket.LinkFault;
import org.jspecify.annotations.Nullable;

/**
 * Opens and seals blobs ({@code checksum || body}, possibly compressed) for one link
 * (PROTOCOL.md §1, §1.1, §5.6).
 *
 * <p>
 * Opening is raw first: a blob whose first 32 bytes are the SHA-256 of the rest is taken
 * as is; otherwise it is decompressed (gzip if it starts {@code 1f 8b}, else zlib) and
 * checked again. Decompressed output is bounded by the maximum frame length, so a small
 * compressed frame cannot expand without limit.
 *
 * <p>
 * Holds a reusable {@link Deflater} and {@link Inflater}: not thread-safe, confined to
 * the link's I/O thread. {@link #close()} releases their native memory.
 */
public final class BlobCodec implements AutoCloseable {

	private final int maxBlobLength;

	private @Nullable Deflater deflater;

	private @Nullable Inflater inflater;

	public BlobCodec(int maxBlobLength) {
		if (maxBlobLength < WireMessage.CHECKSUM_LENGTH + 1) {
			throw new IllegalArgumentException("maxBlobLength: " + maxBlobLength + " (expected: > 32)");
		}
		this.maxBlobLength = maxBlobLength;
	}

	/**
	 * Returns the verified, uncompressed {@code checksum || body} of a received blob (the
	 * same array when it was not compressed).
	 * @throws WireFormatException BAD_CHECKSUM when neither the raw nor the decompressed
	 * blob verifies, FRAME_TOO_LARGE when decompression exceeds the maximum
	 */
	public byte[] open(byte[] blob) {
		if (Ids.checksumMatches(blob, blob.length)) {
			return blob;
		}
		byte[] inflated;
		try {
			inflated = isGzip(blob) ? gunzip(blob) : inflate(blob);
		}
		catch (DataFormatException | IOException ex) {
			throw new WireFormatException(LinkFault.BAD_CHECKSUM,
					badChecksum(blob) + " and it does not decompress (" + ex.getMessage() + ")");
		}
		if (!Ids.checksumMatches(inflated, inflated.length)) {
			throw new WireFormatException(LinkFault.BAD_CHECKSUM, badChecksum(blob) + ", raw or decompressed");
		}
		return inflated;
	}

	private static String badChecksum(byte[] blob) {
		return (blob.length < WireMessage.CHECKSUM_LENGTH)
				? "blob of " + blob.length + " bytes is shorter than its 32-byte checksum"
				: "checksum mismatch in a blob of " + blob.length + " bytes";
	}

	/**
	 * Compresses an outgoing blob for this link; {@code null} compression returns it
	 * unchanged.
	 */
	public byte[] seal(byte[] blob, @Nullable Compression compression) {
		if (compression == null) {
			return blob;
		}
		return switch (compression) {
			case ZLIB -> deflate(blob);
			case GZIP -> gzip(blob);
		};
	}

	private static boolean isGzip(byte[] blob) {
		return blob.length >= 2 && (blob[0] & 0xff) == 0x1f && (blob[1] & 0xff) == 0x8b;
	}

	private byte[] inflate(byte[] blob) throws DataFormatException {
		Inflater inflater = this.inflater;
		if (inflater == null) {
			inflater = new Inflater();
			this.inflater = inflater;
		}
		inflater.reset();
		inflater.setInput(blob);
		byte[] out = new byte[Math.min(this.maxBlobLength, Math.max(256, blob.length * 4))];
		int length = 0;
		while (!inflater.finished()) {
			if (length == out.length) {
				if (out.length >= this.maxBlobLength) {
					throw tooLarge();
				}
				out = Arrays.copyOf(out, (int) Math.min(this.maxBlobLength, out.length * 2L));
			}
			int n = inflater.inflate(out, length, out.length - length);
			if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
				throw new DataFormatException("truncated zlib stream");
			}
			length += n;
		}
		return (length == out.length) ? out : Arrays.copyOf(out, length);
	}

	private byte[] gunzip(byte[] blob) throws IOException {
		try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(blob), 512)) {
			// one byte over the maximum tells "too large" apart; no int overflow at
			// Integer.MAX_VALUE
			byte[] out = in.readNBytes((int) Math.min(Integer.MAX_VALUE, this.maxBlobLength + 1L));
			if (out.length > this.maxBlobLength) {
				throw tooLarge();
			}
			return out;
		}
	}

	private WireFormatException tooLarge() {
		return new WireFormatException(LinkFault.FRAME_TOO_LARGE,
				"decompressed frame exceeds the maximum of " + this.maxBlobLength + " bytes");
	}

	private byte[] deflate(byte[] blob) {
		Deflater deflater = this.deflater;
		if (deflater == null) {
			deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
			this.deflater = deflater;
		}
		deflater.reset();
		deflater.setInput(blob);
		deflater.finish();
		byte[] out = new byte[blob.length + 64];
		int length = 0;
		while (!deflater.finished()) {
			if (length == out.length) {
				out = Arrays.copyOf(out, out.length * 2);
			}
			length += deflater.deflate(out, length, out.length - length);
		}
		return Arrays.copyOf(out, length);
	}

	private static byte[] gzip(byte[] blob) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(blob.length + 64);
		try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
			out.write(blob);
		}
		catch (IOException ex) {
			throw new IllegalStateException("in-memory gzip failed", ex);
		}
		return bytes.toByteArray();
	}

	@Override
	public void close() {
		if (this.deflater != null) {
			this.deflater.end();
			this.deflater = null;
		}
		if (this.inflater != null) {
			this.inflater.end();
			this.inflater = null;
		}
	}

}
