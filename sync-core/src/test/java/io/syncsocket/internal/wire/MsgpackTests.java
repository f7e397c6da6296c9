package io.syncsocket.internal.wire;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncsocket.LinkFault;
import io.syncsocket.MsgpackExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.junit.jupiter.api.Named.named;

/**
 * {@link Msgpack}: the minimal-width encoder against js2p's msgpack-lite (PROTOCOL.md
 * §2.2, {@code msgpack_types.json}) and the decoder for every standard format with the
 * Java types of its Javadoc, including hostile input.
 */
class MsgpackTests {

	private static final Pattern TRUNCATED = Pattern.compile("^([0-9a-f]+)\\.\\.\\.\\((\\d+) bytes\\)$");

	private static final Pattern SIZED = Pattern.compile("^JS string of (\\d+) bytes$|^Buffer of (\\d+) bytes$");

	private static final Pattern NUMBER = Pattern.compile("^(-?\\d+)( \\(.*\\))?$");

	// ----------------------------------------------------------------
	// msgpack_types.json: encode

	static Stream<Arguments> js2pEncodings() {
		return Vectors.list(Vectors.load("msgpack_types").get("encode"))
			.stream()
			.map((entry) -> Arguments.of(named(entry.get("js_value").asText(), entry)));
	}

	/** The Java value an application would store for each JS value of the vector. */
	private static @Nullable Object javaValueOf(String js) {
		Matcher sized = SIZED.matcher(js);
		if (sized.matches()) {
			// the vector's bytes show the filler: 'a' for strings, zeros for Buffers
			return (sized.group(1) != null) ? "a".repeat(Integer.parseInt(sized.group(1)))
					: new byte[Integer.parseInt(sized.group(2))];
		}
		Matcher number = NUMBER.matcher(js);
		if (number.matches()) {
			return Long.parseLong(number.group(1));
		}
		return switch (js) {
			case "JS string \"world\"" -> "world";
			case "JS string \"测试\"" -> "测试";
			case "empty string" -> "";
			case "Buffer [0,1,2,255]" -> new byte[] { 0, 1, 2, (byte) 255 };
			case "empty Buffer" -> new byte[0];
			case "3.5" -> 3.5;
			case "NaN" -> Double.NaN;
			case "true" -> true;
			case "false" -> false;
			case "null", "undefined" -> null;
			case "[1,\"a\"]" -> List.of(1L, "a");
			case "empty object" -> Map.of();
			default -> {
				if (js.startsWith("{a:1,\"2\":2,b:3}")) {
					// JS property order puts integer-like keys first; a Java caller
					// passes that order
					Map<String, Object> map = new LinkedHashMap<>();
					map.put("2", 2L);
					map.put("a", 1L);
					map.put("b", 3L);
					yield map;
				}
				throw new IllegalArgumentException("no Java value for JS value '" + js + "': extend javaValueOf()");
			}
		};
	}

	/**
	 * PROTOCOL.md §2.2: the two places where js2p is not minimal-width. A 255-byte Buffer
	 * is bin16, and an integer outside [-2^31, 2^31-1] is float64.
	 */
	private static boolean isDocumentedDivergence(@Nullable Object value) {
		return (value instanceof byte[] bytes && bytes.length == 255)
				|| (value instanceof Long l && (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("js2pEncodings")
	void encodeShouldMatchJs2pExceptForTheDocumentedDivergences(JsonNode entry) {
		Object value = javaValueOf(entry.get("js_value").asText());
		String ours = Vectors.hex(Msgpack.encode(value));
		String js2p = entry.get("msgpack_hex").asText();

		assertThat(ours).as("canonical_hex_prefix").startsWith(entry.get("canonical_hex_prefix").asText());
		assertThat(js2p).as("js2p first_byte").startsWith(entry.get("first_byte").asText().substring(2));
		assertThat(Vectors.formatAt(Vectors.hex(js2p.substring(0, 2)), 0)).as("js2p format")
			.isEqualTo(entry.get("format").asText());

		if (isDocumentedDivergence(value)) {
			assertThat(ours).as("our minimal encoding differs from js2p's here").isNotEqualTo(js2p);
			if (value instanceof byte[]) {
				assertThat(entry.get("format").asText()).isEqualTo("bin16");
				assertThat(ours).startsWith("c4ff").hasSize(2 * 257);
				assertThat(js2p).startsWith("c500ff");
			}
			else {
				assertThat(entry.get("format").asText()).isEqualTo("float64");
				Object js2pDecoded = Msgpack.decode(Vectors.hex(js2p));
				assertThat(js2pDecoded).as("js2p's float64 carries the same number")
					.isInstanceOf(Double.class)
					.isEqualTo(((Long) value).doubleValue());
				assertThat(Msgpack.decode(Vectors.hex(ours))).as("ours stays an integer").isEqualTo(value);
				assertThat(Vectors.formatAt(Vectors.hex(ours), 0)).isIn("uint32", "uint64", "int64");
			}
			return;
		}
		Matcher truncated = TRUNCATED.matcher(js2p);
		if (truncated.matches()) {
			assertThat(ours).startsWith(truncated.group(1));
			assertThat(ours.length() / 2).as("encoded length").isEqualTo(Integer.parseInt(truncated.group(2)));
		}
		else {
			assertThat(ours).isEqualTo(js2p);
		}
	}

	@Test
	void js2pEncodingsShouldContainExactlyTheFourDocumentedDivergences() {
		List<String> divergent = new ArrayList<>();
		for (JsonNode entry : Vectors.load("msgpack_types").get("encode")) {
			if (isDocumentedDivergence(javaValueOf(entry.get("js_value").asText()))) {
				divergent.add(entry.get("js_value").asText());
			}
		}
		assertThat(divergent).containsExactly("Buffer of 255 bytes", "2147483648 (2^31)", "4294967296 (2^32)",
				"-2147483649");
	}

	// ----------------------------------------------------------------
	// msgpack_types.json: decode

	static Stream<Arguments> js2pDecodings() {
		return Vectors.list(Vectors.load("msgpack_types").get("decode"))
			.stream()
			.map((entry) -> Arguments.of(named(entry.get("msgpack").asText(), entry)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("js2pDecodings")
	void decodeShouldGiveTheJavaTypeOfTheMsgpackFamily(JsonNode entry) {
		Object decoded = Msgpack.decode(Vectors.hex(entry.get("hex").asText()));
		String family = entry.get("msgpack").asText().split(" ")[0];
		JsonNode js = entry.get("js2p_decodes_to");
		Object expected = switch (family) {
			case "fixstr", "str8" -> js.get("value").asText();
			case "bin8" -> Vectors.hex(js.get("hex").asText());
			case "uint32", "uint64", "int64" -> js.get("value").asLong();
			case "float32" -> (float) js.get("value").asDouble();
			case "float64" -> js.get("value").asDouble();
			case "nil" -> null;
			case "map" -> Map.of("k", 1L); // bin key "k" becomes text, as js2p does
			case "array" -> List.of(1L);
			default -> throw new IllegalArgumentException("unexpected vector " + entry);
		};
		if (family.equals("map")) {
			assertThat(js.get("json").toString()).isEqualTo("{\"k\":1}");
		}
		if (family.equals("array")) {
			assertThat(js.get("json").toString()).isEqualTo("[1]");
		}
		Vectors.assertSameValue(decoded, expected, entry.get("msgpack").asText());
	}

	// ---------------------------------------------------------------- every standard
	// format

	static Stream<Arguments> standardFormats() {
		return Stream.of(format("positive fixint 0", "00", 0L), format("positive fixint 127", "7f", 127L),
				format("uint8 0 (not minimal)", "cc00", 0L), format("uint8 255", "ccff", 255L),
				format("uint16 65535", "cdffff", 65535L), format("uint32 2^32-1", "ceffffffff", 4294967295L),
				format("uint64 small", "cf0000000000000001", 1L),
				format("uint64 Long.MAX", "cf7fffffffffffffff", Long.MAX_VALUE),
				format("uint64 2^63", "cf8000000000000000", BigInteger.ONE.shiftLeft(63)),
				format("uint64 2^64-1", "cfffffffffffffffff", BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)),
				format("negative fixint -1", "ff", -1L), format("negative fixint -32", "e0", -32L),
				format("int8 -128", "d080", -128L), format("int8 127 (not minimal)", "d07f", 127L),
				format("int16 -32768", "d18000", -32768L), format("int16 32767", "d17fff", 32767L),
				format("int32 -2^31", "d280000000", (long) Integer.MIN_VALUE),
				format("int32 2^31-1", "d27fffffff", (long) Integer.MAX_VALUE),
				format("int64 Long.MIN", "d38000000000000000", Long.MIN_VALUE),
				format("int64 Long.MAX", "d37fffffffffffffff", Long.MAX_VALUE),
				format("float32 1.5", "ca3fc00000", 1.5f), format("float32 -0.0", "ca80000000", -0.0f),
				format("float32 NaN", "ca7fc00000", Float.NaN), format("float64 3.5", "cb400c000000000000", 3.5),
				format("float64 -Infinity", "cbfff0000000000000", Double.NEGATIVE_INFINITY),
				format("fixstr empty", "a0", ""), format("fixstr", "a3616263", "abc"),
				format("fixstr multi-byte UTF-8", "a6e6b58be8af95", "测试"), format("str8", "d903616263", "abc"),
				format("str16", "da0003616263", "abc"), format("str32", "db00000003616263", "abc"),
				format("bin8 empty", "c400", new byte[0]), format("bin8", "c403010203", new byte[] { 1, 2, 3 }),
				format("bin16", "c50003010203", new byte[] { 1, 2, 3 }),
				format("bin32", "c600000003010203", new byte[] { 1, 2, 3 }), format("fixarray empty", "90", List.of()),
				format("fixarray", "9201a161", List.of(1L, "a")), format("array16", "dc00020102", List.of(1L, 2L)),
				format("array32", "dd000000020102", List.of(1L, 2L)), format("fixmap empty", "80", Map.of()),
				format("fixmap", "81a16101", Map.of("a", 1L)), format("map16", "de0001a16101", Map.of("a", 1L)),
				format("map32", "df00000001a16101", Map.of("a", 1L)),
				format("map with int key", "810102", Map.of(1L, 2L)), format("nil", "c0", null),
				format("true", "c3", true), format("false", "c2", false),
				format("fixext1", "d401ab", new MsgpackExtension((byte) 1, Vectors.hex("ab"))),
				format("fixext2", "d502abcd", new MsgpackExtension((byte) 2, Vectors.hex("abcd"))),
				format("fixext4", "d603abcdef01", new MsgpackExtension((byte) 3, Vectors.hex("abcdef01"))),
				format("fixext8", "d7040102030405060708",
						new MsgpackExtension((byte) 4, Vectors.hex("0102030405060708"))),
				format("fixext16", "d805" + "00112233445566778899aabbccddeeff",
						new MsgpackExtension((byte) 5, Vectors.hex("00112233445566778899aabbccddeeff"))),
				format("fixext1 negative type", "d4ff00", new MsgpackExtension((byte) -1, new byte[] { 0 })),
				format("ext8", "c70306abcdef", new MsgpackExtension((byte) 6, Vectors.hex("abcdef"))),
				format("ext8 empty", "c70007", new MsgpackExtension((byte) 7, new byte[0])),
				format("ext16", "c8000308abcdef", new MsgpackExtension((byte) 8, Vectors.hex("abcdef"))),
				format("ext32", "c90000000309abcdef", new MsgpackExtension((byte) 9, Vectors.hex("abcdef"))));
	}

	private static Arguments format(String name, String hex, @Nullable Object expected) {
		return Arguments.of(named(name, hex), expected);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("standardFormats")
	void decodeShouldAcceptEveryStandardFormat(String hex, @Nullable Object expected) {
		Vectors.assertSameValue(Msgpack.decode(Vectors.hex(hex)), expected, hex);
	}

	@Test
	void decodeShouldKeepStrAndBinApart() {
		assertThat(Msgpack.decode(Vectors.hex("a3616263"))).isEqualTo("abc");
		assertThat(Msgpack.decode(Vectors.hex("c403616263"))).isInstanceOf(byte[].class).isEqualTo(Vectors.utf8("abc"));
		// inside containers too
		Vectors.assertSameValue(Msgpack.decode(Vectors.hex("92a161c40161")), List.of("a", Vectors.utf8("a")), "array");
	}

	@Test
	void decodeShouldTurnBinMapKeysIntoText() {
		Object decoded = Msgpack.decode(Vectors.hex("82c4016b01c403e6b58b02"));
		Vectors.assertSameValue(decoded, linkedMap("k", 1L, "测", 2L), "map");
		// bin values stay bin
		Vectors.assertSameValue(Msgpack.decode(Vectors.hex("81a16bc40101")), Map.of("k", new byte[] { 1 }), "map");
	}

	@Test
	void decodeShouldKeepMapsInWireOrder() {
		Object decoded = Msgpack.decode(Vectors.hex("83a17a01a16102a16d03"));
		assertThat(new ArrayList<Object>(((Map<?, ?>) decoded).keySet())).containsExactly("z", "a", "m");
	}

	@Test
	void decodedContainersShouldBeUnmodifiable() {
		List<?> list = (List<?>) Msgpack.decode(Vectors.hex("9101"));
		Map<?, ?> map = (Map<?, ?>) Msgpack.decode(Vectors.hex("81a16101"));
		assertThat(list).isUnmodifiable();
		assertThat(map).isUnmodifiable();
	}

	@Test
	void decodeShouldReadUint64AboveLongMaxAsBigInteger() {
		assertThat(Msgpack.decode(Vectors.hex("cf8000000000000001"))).isInstanceOf(BigInteger.class)
			.isEqualTo(BigInteger.ONE.shiftLeft(63).add(BigInteger.ONE));
		assertThat(Msgpack.decode(Vectors.hex("cf7fffffffffffffff"))).isInstanceOf(Long.class);
	}

	static Stream<Arguments> malformedInputs() {
		return Stream.of(Arguments.of(named("empty input", "")), Arguments.of(named("never-used byte 0xc1", "c1")),
				Arguments.of(named("0xc1 inside an array", "9201c1")), Arguments.of(named("trailing bytes", "c0c0")),
				Arguments.of(named("trailing byte after an int", "0102")),
				Arguments.of(named("truncated uint16", "cd01")), Arguments.of(named("truncated uint64", "cf00000000")),
				Arguments.of(named("truncated float64", "cb4000")), Arguments.of(named("truncated fixstr", "a5616263")),
				Arguments.of(named("truncated str8 header", "d9")), Arguments.of(named("truncated bin8", "c40501")),
				Arguments.of(named("truncated array", "9201")), Arguments.of(named("truncated map value", "81a161")),
				Arguments.of(named("truncated ext", "d70401")),
				Arguments.of(named("array32 of 2^32-1 elements", "ddffffffff")),
				Arguments.of(named("array32 of 2^31-1 elements", "dd7fffffff01")),
				Arguments.of(named("map32 of 2^32-1 pairs", "dfffffffff")),
				Arguments.of(named("map32 of 2^31-1 pairs", "df7fffffff0101")),
				Arguments.of(named("map16 of 65535 pairs", "deffff0101")),
				Arguments.of(named("array16 of 65535 elements", "dcffff01")),
				Arguments.of(named("str32 of 2^32-1 bytes", "dbffffffff61")),
				Arguments.of(named("str32 of 2^31-1 bytes", "db7fffffff61")),
				Arguments.of(named("bin32 of 2^32-1 bytes", "c6ffffffff01")),
				Arguments.of(named("bin32 of 2^31-1 bytes", "c67fffffff01")),
				Arguments.of(named("ext32 of 2^31-1 bytes", "c97fffffff0101")),
				Arguments.of(named("nested huge array", "91dd7fffffff")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("malformedInputs")
	void decodeShouldRejectMalformedInput(String hex) {
		// Must be a WireFormatException, never an OutOfMemoryError or an unchecked
		// library exception.
		Vectors.assertFault(() -> Msgpack.decode(Vectors.hex(hex)), LinkFault.MALFORMED_MESSAGE);
	}

	@Test
	void decodeShouldRespectOffsetAndLength() {
		byte[] bytes = Vectors.hex("ffa3616263ff");
		assertThat(Msgpack.decode(bytes, 1, 4)).isEqualTo("abc");
		// a container may not reach outside its slice
		Vectors.assertFault(() -> Msgpack.decode(Vectors.hex("92010203"), 0, 2), LinkFault.MALFORMED_MESSAGE);
	}

	@Test
	void decodeShouldAcceptNestingUpToMaxDepth() {
		// a value may sit inside at most MAX_DEPTH containers (the top-level value is
		// depth 0)
		assertThatNoException().isThrownBy(() -> Msgpack.decode(Vectors.hex("91".repeat(Msgpack.MAX_DEPTH) + "c0")));
		assertThatNoException().isThrownBy(() -> Msgpack.decode(Vectors.hex("91".repeat(Msgpack.MAX_DEPTH) + "90")));
		assertThatNoException().isThrownBy(() -> Msgpack.decode(Vectors.hex("81c0".repeat(Msgpack.MAX_DEPTH) + "c0")));
		byte[] tooDeep = Vectors.hex("91".repeat(Msgpack.MAX_DEPTH + 1) + "c0");
		Vectors.assertFault(() -> Msgpack.decode(tooDeep), LinkFault.MALFORMED_MESSAGE);
		byte[] tooDeepMaps = Vectors.hex("81c0".repeat(Msgpack.MAX_DEPTH + 1) + "c0");
		Vectors.assertFault(() -> Msgpack.decode(tooDeepMaps), LinkFault.MALFORMED_MESSAGE);
	}

	@Test
	void decodeShouldRejectHostileNestingWithoutStackOverflow() {
		byte[] arrays = new byte[1_000_000];
		Arrays.fill(arrays, (byte) 0x91);
		Vectors.assertFault(() -> Msgpack.decode(arrays), LinkFault.MALFORMED_MESSAGE);
		byte[] maps = new byte[1_000_000];
		for (int i = 0; i < maps.length; i += 2) {
			maps[i] = (byte) 0x81; // {nil: {nil: ...}}
			maps[i + 1] = (byte) 0xc0;
		}
		Vectors.assertFault(() -> Msgpack.decode(maps), LinkFault.MALFORMED_MESSAGE);
	}

	// ---------------------------------------------------------------- encoder

	static Stream<Arguments> minimalEncodings() {
		return Stream.of(encoding(0L, "00"), encoding(127L, "7f"), encoding(128L, "cc80"), encoding(255L, "ccff"),
				encoding(256L, "cd0100"), encoding(65535L, "cdffff"), encoding(65536L, "ce00010000"),
				encoding(4294967295L, "ceffffffff"), encoding(4294967296L, "cf0000000100000000"),
				encoding(Long.MAX_VALUE, "cf7fffffffffffffff"), encoding(-1L, "ff"), encoding(-32L, "e0"),
				encoding(-33L, "d0df"), encoding(-128L, "d080"), encoding(-129L, "d1ff7f"), encoding(-32768L, "d18000"),
				encoding(-32769L, "d2ffff7fff"), encoding((long) Integer.MIN_VALUE, "d280000000"),
				encoding(Integer.MIN_VALUE - 1L, "d3ffffffff7fffffff"), encoding(Long.MIN_VALUE, "d38000000000000000"),
				encoding(5, "05"), encoding((short) 300, "cd012c"), encoding((byte) -5, "fb"),
				encoding(BigInteger.valueOf(7), "07"), encoding(BigInteger.valueOf(-7), "f9"),
				encoding(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE), "cfffffffffffffffff"),
				encoding(BigInteger.valueOf(Long.MIN_VALUE), "d38000000000000000"), encoding(1.5f, "ca3fc00000"),
				encoding(3.5, "cb400c000000000000"), encoding(true, "c3"), encoding(false, "c2"), encoding(null, "c0"),
				encoding("", "a0"), encoding("测试", "a6e6b58be8af95"), encoding(new StringBuilder("ab"), "a26162"),
				encoding(new byte[0], "c400"), encoding(new Object[] { 1L, "a" }, "9201a161"),
				encoding(new LinkedHashSet<>(List.of(2L, 1L)), "920201"),
				encoding(new RawMsgpack(Vectors.hex("cd0001")), "cd0001"),
				encoding(new MsgpackExtension((byte) 1, Vectors.hex("ab")), "d401ab"),
				encoding(new MsgpackExtension((byte) 2, Vectors.hex("abcdef")), "c70302abcdef"));
	}

	private static Arguments encoding(@Nullable Object value, String hex) {
		return Arguments.of(named(hex, value), hex);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("minimalEncodings")
	void encodeShouldUseTheSmallestForm(@Nullable Object value, String hex) {
		assertThat(Vectors.hex(Msgpack.encode(value))).isEqualTo(hex);
	}

	@Test
	void encodeShouldSizeStrAndBinHeadersByByteLength() {
		assertThat(header("a".repeat(31))).isEqualTo("bf");
		assertThat(header("a".repeat(32))).isEqualTo("d920");
		assertThat(header("a".repeat(255))).isEqualTo("d9ff");
		assertThat(header("a".repeat(256))).isEqualTo("da0100");
		assertThat(header("a".repeat(65535))).isEqualTo("daffff");
		assertThat(header("a".repeat(65536))).isEqualTo("db00010000");
		// 11 three-byte characters are 33 UTF-8 bytes: str8, not fixstr
		assertThat(header("测".repeat(11))).isEqualTo("d921");
		assertThat(header(new byte[255])).isEqualTo("c4ff");
		assertThat(header(new byte[256])).isEqualTo("c50100");
		assertThat(header(new byte[65535])).isEqualTo("c5ffff");
		assertThat(header(new byte[65536])).isEqualTo("c600010000");
	}

	private static String header(Object value) {
		byte[] encoded = Msgpack.encode(value);
		int payload = (value instanceof String s) ? Vectors.utf8(s).length : ((byte[]) value).length;
		return Vectors.hex(Arrays.copyOf(encoded, encoded.length - payload));
	}

	@Test
	void encodeShouldWriteMapsInIterationOrder() {
		assertThat(Vectors.hex(Msgpack.encode(linkedMap("b", 1L, "a", new byte[] { 2 }))))
			.isEqualTo("82a16201a161c40102");
	}

	@Test
	void encodeShouldSizeContainerHeaders() {
		assertThat(
				Vectors.hex(Arrays.copyOf(Msgpack.encode(new ArrayList<>(java.util.Collections.nCopies(15, 0L))), 1)))
			.isEqualTo("9f");
		assertThat(
				Vectors.hex(Arrays.copyOf(Msgpack.encode(new ArrayList<>(java.util.Collections.nCopies(16, 0L))), 3)))
			.isEqualTo("dc0010");
		assertThat(Vectors
			.hex(Arrays.copyOf(Msgpack.encode(new ArrayList<>(java.util.Collections.nCopies(65536, 0L))), 5)))
			.isEqualTo("dd00010000");
		Map<Long, Long> map = new LinkedHashMap<>();
		for (long i = 0; i < 16; i++) {
			map.put(i, i);
		}
		assertThat(Vectors.hex(Arrays.copyOf(Msgpack.encode(map), 3))).isEqualTo("de0010");
	}

	@Test
	void encodeShouldRejectValuesItCannotWrite() {
		assertThatIllegalArgumentException().isThrownBy(() -> Msgpack.encode(new Object()));
		assertThatIllegalArgumentException().isThrownBy(() -> Msgpack.encode(List.of(new java.util.Date())));
		assertThatIllegalArgumentException().isThrownBy(() -> Msgpack.encode(BigInteger.ONE.shiftLeft(64)));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Msgpack.encode(BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.ONE)));
	}

	@Test
	void encodeShouldAllowExactlyTheNestingTheDecoderAccepts() {
		assertThat(Msgpack.decode(Msgpack.encode(nestedLists(Msgpack.MAX_DEPTH + 1)))).isNotNull();
		assertThatIllegalArgumentException().isThrownBy(() -> Msgpack.encode(nestedLists(Msgpack.MAX_DEPTH + 2)));
	}

	private static List<Object> nestedLists(int depth) {
		List<Object> value = new ArrayList<>();
		for (int i = 1; i < depth; i++) {
			List<Object> outer = new ArrayList<>();
			outer.add(value);
			value = outer;
		}
		return value;
	}

	@Test
	void decodeOfEncodeShouldRoundTrip() {
		Map<Object, Object> map = new LinkedHashMap<>();
		map.put("s", "text");
		map.put(7L, new byte[] { 0, (byte) 0xff });
		map.put("nested", List.of(List.of(), Map.of(), -1L, 2.5, 1.25f, true));
		map.put("big", BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
		map.put("ext", new MsgpackExtension((byte) 42, new byte[] { 1, 2, 3 }));
		map.put("nil", null);
		Vectors.assertSameValue(Msgpack.decode(Msgpack.encode(map)), map, "round trip");
	}

	@SuppressWarnings("unchecked")
	private static <K, V> Map<K, V> linkedMap(Object... keysAndValues) {
		Map<K, V> map = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			map.put((K) keysAndValues[i], (V) keysAndValues[i + 1]);
		}
		return map;
	}

}
