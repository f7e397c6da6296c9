package io.syncsocket;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.syncsocket.internal.wire.Compression;

import static io.syncsocket.OptionChecks.requireAtLeast;

/**
 * Immutable compression settings of a {@link MeshSocket}: the methods it advertises in
 * its handshake and uses on links where the peer advertised one too, and the frame size
 * below which frames to syncsocket peers stay uncompressed. Incoming frames are always
 * decoded whatever was negotiated. Set with
 * {@link MeshOptions.Builder#compression(MeshCompression)}:
 *
 * <pre>{@code
 * MeshOptions options = MeshOptions.builder().compression(MeshCompression.none()).build();
 * }</pre>
 */
public final class MeshCompression {

	/** Default compression methods, in order of preference (js2p's order). */
	public static final List<String> DEFAULT_METHODS = List.of("zlib", "gzip");

	/** Default {@link #threshold()}: 1 KiB. */
	public static final int DEFAULT_THRESHOLD = 1024;

	private static final MeshCompression DEFAULTS = new Builder().build();

	private static final MeshCompression NONE = new Builder().methods(List.of()).build();

	private final List<String> methods;

	private final int threshold;

	private MeshCompression(Builder builder) {
		this.methods = builder.methods;
		this.threshold = builder.threshold;
	}

	/** A builder with every default. */
	public static Builder builder() {
		return new Builder();
	}

	/** The defaults: zlib then gzip, frames under 1 KiB raw to syncsocket peers. */
	public static MeshCompression defaults() {
		return DEFAULTS;
	}

	/**
	 * No method advertised, so no link compresses (cheapest between syncsocket nodes).
	 */
	public static MeshCompression none() {
		return NONE;
	}

	/** A builder initialised with these settings. */
	public Builder mutate() {
		return new Builder(this);
	}

	/**
	 * The methods this node advertises and uses, in order of preference ({@code zlib},
	 * {@code gzip}); empty to never compress.
	 */
	public List<String> methods() {
		return this.methods;
	}

	/**
	 * Frames smaller than this many bytes go uncompressed to syncsocket peers, even on a
	 * link with a negotiated method; js2p and py2p peers get every frame compressed
	 * (PROTOCOL.md §5.6). Default {@value #DEFAULT_THRESHOLD}.
	 */
	public int threshold() {
		return this.threshold;
	}

	@Override
	public String toString() {
		return "MeshCompression[methods=" + this.methods + ", threshold=" + this.threshold + "]";
	}

	/** Builds {@link MeshCompression}; each setter validates its argument. */
	public static final class Builder {

		private List<String> methods = DEFAULT_METHODS;

		private int threshold = DEFAULT_THRESHOLD;

		private Builder() {
		}

		private Builder(MeshCompression compression) {
			this.methods = compression.methods;
			this.threshold = compression.threshold;
		}

		/**
		 * The methods to advertise and use, in order of preference: {@code zlib},
		 * {@code gzip}, both (the default, what js2p advertises) or none. Compression
		 * costs CPU per frame; between syncsocket nodes on a fast network none is usually
		 * faster.
		 */
		public Builder methods(List<String> methods) {
			Objects.requireNonNull(methods, "'methods' must not be null");
			List<String> names = new ArrayList<>();
			for (String method : methods) {
				String name = Compression.forName(method).optionName();
				if (names.contains(name)) {
					throw new IllegalArgumentException("compression: '" + method + "' listed twice");
				}
				names.add(name);
			}
			this.methods = List.copyOf(names);
			return this;
		}

		/**
		 * Frames smaller than this many bytes are sent uncompressed to syncsocket peers,
		 * whose decoder tries the raw checksum first (PROTOCOL.md §1.1): zlib costs ~9 µs
		 * per small frame and saves little on it, which made it the bottleneck between
		 * Java nodes. js2p and py2p peers still get every frame compressed, as
		 * PROTOCOL.md §5.6 advises. 0 compresses every frame.
		 */
		public Builder threshold(int bytes) {
			this.threshold = requireAtLeast(bytes, 0, "threshold");
			return this;
		}

		public MeshCompression build() {
			return new MeshCompression(this);
		}

	}

}
