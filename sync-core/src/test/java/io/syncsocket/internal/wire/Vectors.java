package io.syncsocket.internal.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncsocket.LinkFault;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

/**
 * Test helper for the wire vectors in {@code src/test/resources/vectors} (see its
 * README): loading, typed trees {@code {"f": format, "v": value}} and their one-line
 * {@code shown} form, conversion into the Java values {@link Msgpack} writes, strict
 * comparison of decoded values against a tree, an independent msgpack format walker (no
 * msgpack-core), and the discovery of every frame in every vector file.
 */
final class Vectors {

	/** Every vector file; {@link #rawFrameFieldCount(String)} keeps discovery honest. */
	static final List<String> FILES = List.of("fixed_frames", "ids", "js2p_acceptor_session", "js2p_compression",
			"js2p_connector_and_peers", "js2p_handshake_edge_cases", "js2p_inbound_acceptance", "js2p_lease_matrix",
			"js2p_pair_via_proxy", "msgpack_types", "py2p_interop");

	/** The maximum blob length the transport uses by default (64 MiB). */
	static final int MAX_BLOB = 64 * 1024 * 1024;

	private static final ObjectMapper MAPPER = new ObjectMapper();

	private static final HexFormat HEX = HexFormat.of();

	private static final Map<String, JsonNode> FILE_CACHE = new ConcurrentHashMap<>();

	private static final Map<String, String> TEXT_CACHE = new ConcurrentHashMap<>();

	private Vectors() {
	}

	// ---------------------------------------------------------------- loading

	/** The parsed vector file {@code /vectors/<name>.json}. */
	static JsonNode load(String name) {
		return FILE_CACHE.computeIfAbsent(name, (n) -> {
			try {
				return MAPPER.readTree(text(n));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
	}

	/** The raw text of {@code /vectors/<name>.json}. */
	static String text(String name) {
		return TEXT_CACHE.computeIfAbsent(name, (n) -> {
			try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + n + ".json")) {
				if (in == null) {
					throw new IllegalStateException("missing test resource /vectors/" + n + ".json");
				}
				return new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
	}

	static byte[] hex(String hex) {
		return HEX.parseHex(hex);
	}

	static String hex(byte[] bytes) {
		return HEX.formatHex(bytes);
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static List<JsonNode> list(JsonNode array) {
		List<JsonNode> nodes = new ArrayList<>();
		array.forEach(nodes::add);
		return nodes;
	}

	/**
	 * {@code SHA-256(body) || body}: a verified, uncompressed blob, built without the
	 * codec.
	 */
	static byte[] blobOf(byte[] body) {
		byte[] blob = new byte[32 + body.length];
		System.arraycopy(sha256(body), 0, blob, 0, 32);
		System.arraycopy(body, 0, blob, 32, body.length);
		return blob;
	}

	static byte[] sha256(byte[] data) {
		try {
			return java.security.MessageDigest.getInstance("SHA-256").digest(data);
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A frame: 4-byte big-endian length, then the blob. */
	static byte[] frameOf(byte[] blob) {
		byte[] frame = new byte[4 + blob.length];
		frame[0] = (byte) (blob.length >>> 24);
		frame[1] = (byte) (blob.length >>> 16);
		frame[2] = (byte) (blob.length >>> 8);
		frame[3] = (byte) blob.length;
		System.arraycopy(blob, 0, frame, 4, blob.length);
		return frame;
	}

	/**
	 * Asserts that {@code call} throws a {@link WireFormatException} carrying
	 * {@code fault}.
	 */
	static void assertFault(ThrowingCallable call, LinkFault fault) {
		assertThatExceptionOfType(WireFormatException.class).isThrownBy(call)
			.satisfies((ex) -> assertThat(ex.fault()).as("fault of: %s", ex.getMessage()).isEqualTo(fault));
	}

	// ---------------------------------------------------------------- typed trees

	/**
	 * The msgpack families a typed tree distinguishes (and the Java type each decodes
	 * to).
	 */
	enum Family {

		INT, FLOAT32, FLOAT64, STR, BIN, ARRAY, MAP, NIL, BOOL, EXT;

		static Family of(String format) {
			return switch (format) {
				case "positive_fixint", "negative_fixint", "uint8", "uint16", "uint32", "uint64", "int8", "int16",
						"int32", "int64" ->
					INT;
				case "float32" -> FLOAT32;
				case "float64" -> FLOAT64;
				case "fixstr", "str8", "str16", "str32" -> STR;
				case "bin8", "bin16", "bin32" -> BIN;
				case "fixarray", "array16", "array32" -> ARRAY;
				case "fixmap", "map16", "map32" -> MAP;
				case "nil" -> NIL;
				case "true", "false" -> BOOL;
				case "fixext1", "fixext2", "fixext4", "fixext8", "fixext16", "ext8", "ext16", "ext32" -> EXT;
				default -> throw new IllegalArgumentException("unknown msgpack format '" + format + "' in a vector");
			};
		}

	}

	/**
	 * One node of a typed tree. {@code value} is a String (str), lowercase hex String
	 * (bin), BigInteger (ints), Double (floats), Boolean, null (nil), {@code List<Typed>}
	 * (array) or {@code List<Pair>} (map, wire order). Records, so two trees compare with
	 * equals.
	 */
	record Typed(String format, @Nullable Object value) {

		Family family() {
			return Family.of(this.format);
		}

		@SuppressWarnings("unchecked")
		List<Typed> elements() {
			assertThat(family()).as("family of %s", this).isEqualTo(Family.ARRAY);
			return (List<Typed>) Objects.requireNonNull(this.value);
		}

		@SuppressWarnings("unchecked")
		List<Pair> pairs() {
			assertThat(family()).as("family of %s", this).isEqualTo(Family.MAP);
			return (List<Pair>) Objects.requireNonNull(this.value);
		}

	}

	record Pair(Typed key, Typed value) {
	}

	/** Reads a {@code {"f": ..., "v": ...}} tree. */
	static Typed typed(JsonNode node) {
		String format = node.get("f").asText();
		JsonNode v = node.get("v");
		return switch (Family.of(format)) {
			case INT -> new Typed(format, v.isTextual() ? new BigInteger(v.asText()) : v.bigIntegerValue());
			case FLOAT32, FLOAT64 ->
				new Typed(format, v.isTextual() ? Double.parseDouble(v.asText()) : v.doubleValue());
			case STR -> new Typed(format, v.asText());
			case BIN -> new Typed(format, v.asText().toLowerCase(java.util.Locale.ROOT));
			case ARRAY -> {
				List<Typed> elements = new ArrayList<>();
				v.forEach((e) -> elements.add(typed(e)));
				yield new Typed(format, List.copyOf(elements));
			}
			case MAP -> {
				List<Pair> pairs = new ArrayList<>();
				v.forEach((p) -> {
					assertThat(p.size()).as("map pair %s", p).isEqualTo(2);
					pairs.add(new Pair(typed(p.get(0)), typed(p.get(1))));
				});
				yield new Typed(format, List.copyOf(pairs));
			}
			case NIL -> new Typed(format, null);
			case BOOL -> new Typed(format, format.equals("true"));
			case EXT -> throw new IllegalArgumentException("ext in a typed tree: " + node);
		};
	}

	/**
	 * Whether {@code text} looks like a one-line {@code shown} tree (and not e.g.
	 * "zlib").
	 */
	static boolean isShown(String text) {
		return text.matches("^(fixarray|array16|array32|fixmap|map16|map32)[\\[{].*");
	}

	/**
	 * Parses the one-line {@code shown} form, e.g.
	 * {@code fixarray[positive_fixint(2), bin8(0x6b)]}.
	 */
	static Typed parseShown(String text) {
		ShownParser parser = new ShownParser(text);
		Typed typed = parser.node();
		if (parser.pos != text.length()) {
			throw new IllegalArgumentException("trailing text at " + parser.pos + " in: " + text);
		}
		return typed;
	}

	private static final class ShownParser {

		private final String text;

		private int pos;

		ShownParser(String text) {
			this.text = text;
		}

		Typed node() {
			int start = this.pos;
			while (this.pos < this.text.length()
					&& (Character.isLetterOrDigit(this.text.charAt(this.pos)) || this.text.charAt(this.pos) == '_')) {
				this.pos++;
			}
			String format = this.text.substring(start, this.pos);
			Family family = Family.of(format);
			switch (family) {
				case NIL -> {
					return new Typed(format, null);
				}
				case BOOL -> {
					return new Typed(format, format.equals("true"));
				}
				case ARRAY -> {
					expect("[");
					List<Typed> elements = new ArrayList<>();
					if (!peek("]")) {
						do {
							elements.add(node());
						}
						while (accept(", "));
					}
					expect("]");
					return new Typed(format, List.copyOf(elements));
				}
				case MAP -> {
					expect("{");
					List<Pair> pairs = new ArrayList<>();
					if (!peek("}")) {
						do {
							Typed key = node();
							expect(": ");
							pairs.add(new Pair(key, node()));
						}
						while (accept(", "));
					}
					expect("}");
					return new Typed(format, List.copyOf(pairs));
				}
				case STR -> {
					expect("(");
					String literal = stringLiteral();
					expect(")");
					try {
						return new Typed(format, MAPPER.readValue(literal, String.class));
					}
					catch (IOException ex) {
						throw new IllegalArgumentException("bad string literal " + literal, ex);
					}
				}
				default -> {
					expect("(");
					int close = this.text.indexOf(')', this.pos);
					String scalar = this.text.substring(this.pos, close);
					this.pos = close + 1;
					return switch (family) {
						case INT -> new Typed(format, new BigInteger(scalar));
						case FLOAT32, FLOAT64 -> new Typed(format, Double.parseDouble(scalar));
						case BIN -> {
							if (!scalar.startsWith("0x")) {
								throw new IllegalArgumentException("bin without 0x: " + scalar);
							}
							yield new Typed(format, scalar.substring(2).toLowerCase(java.util.Locale.ROOT));
						}
						default -> throw new IllegalArgumentException("cannot parse " + format + " at " + start);
					};
				}
			}
		}

		private String stringLiteral() {
			int start = this.pos;
			expect("\"");
			while (this.text.charAt(this.pos) != '"') {
				this.pos += (this.text.charAt(this.pos) == '\\') ? 2 : 1;
			}
			this.pos++;
			return this.text.substring(start, this.pos);
		}

		private boolean peek(String token) {
			return this.text.startsWith(token, this.pos);
		}

		private boolean accept(String token) {
			if (peek(token)) {
				this.pos += token.length();
				return true;
			}
			return false;
		}

		private void expect(String token) {
			if (!accept(token)) {
				throw new IllegalArgumentException("expected '" + token + "' at " + this.pos + " in: " + this.text);
			}
		}

	}

	/**
	 * The Java value to hand to {@link Msgpack} / {@link MessageCodec#encode} for a tree:
	 * str → String, bin → byte[], ints → Long (BigInteger beyond), float64 → Double,
	 * float32 → Float, arrays → List, maps → LinkedHashMap in wire order, nil → null,
	 * bools → Boolean.
	 */
	static @Nullable Object toJava(Typed typed) {
		return switch (typed.family()) {
			case INT -> {
				BigInteger big = (BigInteger) Objects.requireNonNull(typed.value());
				yield (big.bitLength() < 64) ? (Object) big.longValue() : big;
			}
			case FLOAT64 -> (Double) typed.value();
			case FLOAT32 -> ((Double) Objects.requireNonNull(typed.value())).floatValue();
			case STR -> (String) typed.value();
			case BIN -> hex((String) Objects.requireNonNull(typed.value()));
			case ARRAY -> {
				List<@Nullable Object> list = new ArrayList<>();
				typed.elements().forEach((e) -> list.add(toJava(e)));
				yield list;
			}
			case MAP -> {
				Map<@Nullable Object, @Nullable Object> map = new LinkedHashMap<>();
				for (Pair pair : typed.pairs()) {
					map.put(toJava(pair.key()), toJava(pair.value()));
				}
				assertThat(map).as("map keys of %s are distinct", typed).hasSize(typed.pairs().size());
				yield map;
			}
			case NIL -> null;
			case BOOL -> (Boolean) typed.value();
			case EXT -> throw new IllegalArgumentException("ext");
		};
	}

	/**
	 * Asserts that a value decoded by {@link Msgpack} matches a typed tree: the Java type
	 * follows the msgpack family (as {@link Msgpack}'s Javadoc table says) and the value
	 * is equal, recursively; map entries in wire order, bin keys as their UTF-8 text.
	 */
	static void assertDecoded(@Nullable Object actual, Typed expected, String path) {
		switch (expected.family()) {
			case INT -> {
				BigInteger big = (BigInteger) Objects.requireNonNull(expected.value());
				if (big.bitLength() < 64) {
					assertThat(actual).as("%s (%s)", path, expected.format())
						.isInstanceOf(Long.class)
						.isEqualTo(big.longValue());
				}
				else {
					assertThat(actual).as("%s (%s)", path, expected.format())
						.isInstanceOf(BigInteger.class)
						.isEqualTo(big);
				}
			}
			case FLOAT32 -> {
				assertThat(actual).as("%s (float32)", path).isInstanceOf(Float.class);
				float want = ((Double) Objects.requireNonNull(expected.value())).floatValue();
				assertThat(Float.compare((Float) actual, want)).as("%s: %s vs %s", path, actual, want).isZero();
			}
			case FLOAT64 -> {
				assertThat(actual).as("%s (float64)", path).isInstanceOf(Double.class);
				double want = (Double) Objects.requireNonNull(expected.value());
				assertThat(Double.compare((Double) actual, want)).as("%s: %s vs %s", path, actual, want).isZero();
			}
			case STR -> assertThat(actual).as("%s (%s)", path, expected.format())
				.isInstanceOf(String.class)
				.isEqualTo(expected.value());
			case BIN -> {
				assertThat(actual).as("%s (%s)", path, expected.format()).isInstanceOf(byte[].class);
				assertThat(hex((byte[]) actual)).as("%s (%s)", path, expected.format()).isEqualTo(expected.value());
			}
			case ARRAY -> {
				assertThat(actual).as("%s (%s)", path, expected.format()).isInstanceOf(List.class);
				List<?> list = (List<?>) actual;
				List<Typed> elements = expected.elements();
				assertThat(list).as("%s size", path).hasSize(elements.size());
				for (int i = 0; i < elements.size(); i++) {
					assertDecoded(list.get(i), elements.get(i), path + "[" + i + "]");
				}
			}
			case MAP -> {
				assertThat(actual).as("%s (%s)", path, expected.format()).isInstanceOf(Map.class);
				Map<?, ?> map = (Map<?, ?>) actual;
				List<Pair> pairs = expected.pairs();
				assertThat(map).as("%s size", path).hasSize(pairs.size());
				Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
				for (Pair pair : pairs) {
					Map.Entry<?, ?> entry = entries.next();
					String at = path + "{" + pair.key().value() + "}";
					if (pair.key().family() == Family.BIN) {
						// bin map keys become their UTF-8 text, as js2p does (Msgpack
						// Javadoc)
						String text = new String(hex((String) Objects.requireNonNull(pair.key().value())),
								StandardCharsets.UTF_8);
						assertThat(entry.getKey()).as("%s key (bin as text)", at).isEqualTo(text);
					}
					else {
						assertDecoded(entry.getKey(), pair.key(), at + " key");
					}
					assertDecoded(entry.getValue(), pair.value(), at);
				}
			}
			case NIL -> assertThat(actual).as("%s (nil)", path).isNull();
			case BOOL -> assertThat(actual).as("%s (%s)", path, expected.format())
				.isInstanceOf(Boolean.class)
				.isEqualTo(expected.value());
			case EXT -> fail("ext in a typed tree at " + path);
		}
	}

	/**
	 * Asserts two plain Java values are equal with their exact classes (byte[] by
	 * content, floats by bits, lists and maps element by element in order).
	 */
	static void assertSameValue(@Nullable Object actual, @Nullable Object expected, String path) {
		if (expected == null) {
			assertThat(actual).as(path).isNull();
			return;
		}
		assertThat(actual).as("%s type", path).isNotNull();
		if (expected instanceof List<?> want) {
			assertThat(actual).as("%s type", path).isInstanceOf(List.class);
			List<?> got = (List<?>) actual;
			assertThat(got).as("%s size", path).hasSize(want.size());
			for (int i = 0; i < want.size(); i++) {
				assertSameValue(got.get(i), want.get(i), path + "[" + i + "]");
			}
			return;
		}
		if (expected instanceof Map<?, ?> want) {
			assertThat(actual).as("%s type", path).isInstanceOf(Map.class);
			Map<?, ?> got = (Map<?, ?>) actual;
			assertThat(got).as("%s size", path).hasSize(want.size());
			Iterator<? extends Map.Entry<?, ?>> entries = got.entrySet().iterator();
			for (Map.Entry<?, ?> entry : want.entrySet()) {
				Map.Entry<?, ?> next = entries.next();
				assertSameValue(next.getKey(), entry.getKey(), path + " key");
				assertSameValue(next.getValue(), entry.getValue(), path + "{" + entry.getKey() + "}");
			}
			return;
		}
		assertThat(actual.getClass()).as("%s type", path).isEqualTo(expected.getClass());
		if (expected instanceof byte[] want) {
			assertThat(hex((byte[]) actual)).as(path).isEqualTo(hex(want));
		}
		else if (expected instanceof Double want) {
			assertThat(Double.doubleToRawLongBits((Double) actual)).as("%s: %s vs %s", path, actual, want)
				.isEqualTo(Double.doubleToRawLongBits(want));
		}
		else if (expected instanceof Float want) {
			assertThat(Float.floatToRawIntBits((Float) actual)).as("%s: %s vs %s", path, actual, want)
				.isEqualTo(Float.floatToRawIntBits(want));
		}
		else {
			assertThat(actual).as(path).isEqualTo(expected);
		}
	}

	// ---------------------------------------------------------------- independent
	// msgpack walker

	/**
	 * The msgpack format name of the byte at {@code bytes[offset]}, as the vectors spell
	 * it.
	 */
	static String formatAt(byte[] bytes, int offset) {
		int b = bytes[offset] & 0xff;
		if (b <= 0x7f) {
			return "positive_fixint";
		}
		if (b <= 0x8f) {
			return "fixmap";
		}
		if (b <= 0x9f) {
			return "fixarray";
		}
		if (b <= 0xbf) {
			return "fixstr";
		}
		if (b >= 0xe0) {
			return "negative_fixint";
		}
		return switch (b) {
			case 0xc0 -> "nil";
			case 0xc1 -> "never_used";
			case 0xc2 -> "false";
			case 0xc3 -> "true";
			case 0xc4 -> "bin8";
			case 0xc5 -> "bin16";
			case 0xc6 -> "bin32";
			case 0xc7 -> "ext8";
			case 0xc8 -> "ext16";
			case 0xc9 -> "ext32";
			case 0xca -> "float32";
			case 0xcb -> "float64";
			case 0xcc -> "uint8";
			case 0xcd -> "uint16";
			case 0xce -> "uint32";
			case 0xcf -> "uint64";
			case 0xd0 -> "int8";
			case 0xd1 -> "int16";
			case 0xd2 -> "int32";
			case 0xd3 -> "int64";
			case 0xd4 -> "fixext1";
			case 0xd5 -> "fixext2";
			case 0xd6 -> "fixext4";
			case 0xd7 -> "fixext8";
			case 0xd8 -> "fixext16";
			case 0xd9 -> "str8";
			case 0xda -> "str16";
			case 0xdb -> "str32";
			case 0xdc -> "array16";
			case 0xdd -> "array32";
			case 0xde -> "map16";
			default -> "map32";
		};
	}

	private static long be(byte[] bytes, int offset, int length) {
		long value = 0;
		for (int i = 0; i < length; i++) {
			value = (value << 8) | (bytes[offset + i] & 0xff);
		}
		return value;
	}

	/**
	 * Number of elements (arrays) or pairs (maps) announced by the container header at
	 * {@code offset}.
	 */
	static int containerSize(byte[] bytes, int offset) {
		int b = bytes[offset] & 0xff;
		return switch (formatAt(bytes, offset)) {
			case "fixarray", "fixmap" -> b & 0x0f;
			case "array16", "map16" -> (int) be(bytes, offset + 1, 2);
			case "array32", "map32" -> (int) be(bytes, offset + 1, 4);
			default -> throw new IllegalArgumentException("not a container at " + offset);
		};
	}

	/** Offset of the first element of the container at {@code offset}. */
	static int containerBody(byte[] bytes, int offset) {
		return switch (formatAt(bytes, offset)) {
			case "fixarray", "fixmap" -> offset + 1;
			case "array16", "map16" -> offset + 3;
			case "array32", "map32" -> offset + 5;
			default -> throw new IllegalArgumentException("not a container at " + offset);
		};
	}

	/** The offset just after the complete msgpack value starting at {@code offset}. */
	static int end(byte[] bytes, int offset) {
		int b = bytes[offset] & 0xff;
		String format = formatAt(bytes, offset);
		return switch (format) {
			case "positive_fixint", "negative_fixint", "nil", "true", "false" -> offset + 1;
			case "fixstr" -> offset + 1 + (b & 0x1f);
			case "uint8", "int8" -> offset + 2;
			case "uint16", "int16" -> offset + 3;
			case "uint32", "int32", "float32" -> offset + 5;
			case "uint64", "int64", "float64" -> offset + 9;
			case "str8", "bin8" -> offset + 2 + (int) be(bytes, offset + 1, 1);
			case "str16", "bin16" -> offset + 3 + (int) be(bytes, offset + 1, 2);
			case "str32", "bin32" -> offset + 5 + (int) be(bytes, offset + 1, 4);
			case "fixext1" -> offset + 3;
			case "fixext2" -> offset + 4;
			case "fixext4" -> offset + 6;
			case "fixext8" -> offset + 10;
			case "fixext16" -> offset + 18;
			case "ext8" -> offset + 3 + (int) be(bytes, offset + 1, 1);
			case "ext16" -> offset + 4 + (int) be(bytes, offset + 1, 2);
			case "ext32" -> offset + 6 + (int) be(bytes, offset + 1, 4);
			case "fixarray", "array16", "array32", "fixmap", "map16", "map32" -> {
				int count = containerSize(bytes, offset) * (format.contains("map") ? 2 : 1);
				int at = containerBody(bytes, offset);
				for (int i = 0; i < count; i++) {
					at = end(bytes, at);
				}
				yield at;
			}
			default -> throw new IllegalArgumentException(format + " at " + offset);
		};
	}

	/**
	 * Asserts that the bytes at {@code offset} carry exactly the formats of the typed
	 * tree (the byte family, e.g. str8 and not str16, recursively) and returns the end
	 * offset.
	 */
	static int assertWireFormats(byte[] bytes, int offset, Typed expected, String path) {
		assertThat(formatAt(bytes, offset)).as("wire format at %s (offset %d)", path, offset)
			.isEqualTo(expected.format());
		return switch (expected.family()) {
			case ARRAY -> {
				List<Typed> elements = expected.elements();
				assertThat(containerSize(bytes, offset)).as("%s element count on the wire", path)
					.isEqualTo(elements.size());
				int at = containerBody(bytes, offset);
				for (int i = 0; i < elements.size(); i++) {
					at = assertWireFormats(bytes, at, elements.get(i), path + "[" + i + "]");
				}
				yield at;
			}
			case MAP -> {
				List<Pair> pairs = expected.pairs();
				assertThat(containerSize(bytes, offset)).as("%s pair count on the wire", path).isEqualTo(pairs.size());
				int at = containerBody(bytes, offset);
				for (Pair pair : pairs) {
					at = assertWireFormats(bytes, at, pair.key(), path + " key");
					at = assertWireFormats(bytes, at, pair.value(), path + "{" + pair.key().value() + "}");
				}
				yield at;
			}
			default -> end(bytes, offset);
		};
	}

	// ---------------------------------------------------------------- frame discovery

	/**
	 * One frame found in a vector file.
	 *
	 * @param file vector file name (without .json)
	 * @param path JSON path of the hex field, e.g.
	 * {@code /cases/0/frames_from_js2p/2/frame_hex}
	 * @param frame the complete frame bytes (length header included)
	 * @param expected the documented message tree, if the vectors give one
	 * @param compression documented compression: "none", "zlib", "gzip", or null if not
	 * documented
	 * @param lengthHeader documented length header, or null
	 * @param checksumHex documented checksum, or null
	 * @param msgpackHex documented uncompressed body, or null
	 * @param shown the documented one-line form next to a typed tree, or null
	 */
	record Frame(String file, String path, byte[] frame, @Nullable Typed expected, @Nullable String compression,
			@Nullable Integer lengthHeader, @Nullable String checksumHex, @Nullable String msgpackHex,
			@Nullable String shown) {

		String displayName() {
			return this.file + ".json " + this.path;
		}

		@Override
		public String toString() {
			return displayName();
		}

	}

	/**
	 * Every field whose name ends in {@code frame_hex}, in every vector file, in file
	 * order.
	 */
	static List<Frame> frames() {
		List<Frame> frames = new ArrayList<>();
		for (String file : FILES) {
			collect(file, "", load(file), frames);
		}
		return frames;
	}

	/**
	 * Counts {@code "..frame_hex":} keys in the raw text, independently of the tree walk.
	 */
	static int rawFrameFieldCount(String file) {
		java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\"[a-z0-9_]*frame_hex\"\\s*:")
			.matcher(text(file));
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	private static void collect(String file, String path, JsonNode node, List<Frame> out) {
		if (node.isObject()) {
			for (Map.Entry<String, JsonNode> field : node.properties()) {
				if (field.getKey().endsWith("frame_hex")) {
					out.add(frame(file, path + "/" + field.getKey(), field.getKey(), field.getValue(), node));
				}
			}
			for (Map.Entry<String, JsonNode> field : node.properties()) {
				collect(file, path + "/" + field.getKey(), field.getValue(), out);
			}
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				collect(file, path + "/" + i, node.get(i), out);
			}
		}
	}

	private static Frame frame(String file, String path, String field, JsonNode hex, JsonNode owner) {
		byte[] frame = hex(hex.asText());
		switch (field) {
			case "frame_hex" -> {
				Typed expected = treeOf(owner);
				String compression = null;
				if (owner.has("compression")) {
					compression = owner.get("compression").isNull() ? "none" : owner.get("compression").asText();
				}
				else if (owner.path("sent").isTextual() && !isShown(owner.get("sent").asText())) {
					// js2p_compression inbound_tests: "sent" names how the frame was
					// compressed
					compression = owner.get("sent").asText().equals("uncompressed") ? "none"
							: owner.get("sent").asText();
				}
				return new Frame(file, path, frame, expected, compression, intOrNull(owner, "length_header"),
						textOrNull(owner, "checksum_hex"), textOrNull(owner, "msgpack_hex"),
						textOrNull(owner, "shown"));
			}
			case "js2p_zlib_frame_hex", "js2p_gzip_frame_hex" -> {
				// the same message as frame_hex, compressed by js2p: same checksum and
				// body, other length
				String compression = field.equals("js2p_zlib_frame_hex") ? "zlib" : "gzip";
				return new Frame(file, path, frame, treeOf(owner), compression, null, textOrNull(owner, "checksum_hex"),
						textOrNull(owner, "msgpack_hex"), textOrNull(owner, "shown"));
			}
			case "sent_frame_hex" -> {
				return new Frame(file, path, frame, treeOf(owner), null, null, null, null, null);
			}
			case "handshake_frame_hex" -> {
				JsonNode sent = owner.get("handshake_sent");
				if (sent == null) {
					throw new IllegalStateException(path + ": handshake_frame_hex without handshake_sent");
				}
				String compression = sent.get("compression").isNull() ? "none" : sent.get("compression").asText();
				return new Frame(file, path, frame, treeOf(sent), compression, intOrNull(sent, "length_header"),
						textOrNull(sent, "checksum_hex"), textOrNull(sent, "msgpack_hex"), textOrNull(sent, "shown"));
			}
			default -> throw new IllegalStateException(
					file + path + ": unknown frame field " + field + " (teach Vectors.frame() what it documents)");
		}
	}

	/**
	 * The documented tree of a record: typed, decoded, or a {@code sent} one-line form.
	 */
	private static @Nullable Typed treeOf(JsonNode owner) {
		if (owner.has("typed")) {
			return typed(owner.get("typed"));
		}
		if (owner.has("decoded")) {
			return typed(owner.get("decoded"));
		}
		if (owner.path("sent").isTextual() && isShown(owner.get("sent").asText())) {
			return parseShown(owner.get("sent").asText());
		}
		return null;
	}

	private static @Nullable Integer intOrNull(JsonNode node, String field) {
		return node.hasNonNull(field) ? node.get(field).asInt() : null;
	}

	private static @Nullable String textOrNull(JsonNode node, String field) {
		return node.hasNonNull(field) ? node.get(field).asText() : null;
	}

}
