package io.syncsocket.fuzz;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongPredicate;

import io.syncsocket.MsgpackExtension;
import org.jspecify.annotations.Nullable;

/**
 * Random msgpack values written byte by byte (no msgpack-core), each with the Java value
 * {@code io.syncsocket.internal.wire.Msgpack} must decode it to: every format family,
 * non-minimal widths (a 5 written as uint64, a short string as str32), big and negative
 * integers, float32/float64 with NaN, infinities and -0.0, invalid UTF-8 in str, ext of
 * every size, nested arrays and maps with any key type, and rare chains nested right
 * around the decoder's depth limit. Leaves are often taken from a list of "interesting"
 * values (flags, node ids, the protocol id, times, addresses) so that fields hit
 * meaningful values.
 *
 * <p>
 * Not thread-safe; one instance per case.
 */
final class MsgpackGen {

	/**
	 * One generated value.
	 *
	 * @param bytes its msgpack encoding
	 * @param expected what the decoder must return (bin map keys as text, uint64 above
	 * {@code Long.MAX_VALUE} as BigInteger ...)
	 * @param depth nesting depth: 1 for a scalar, 1 + the deepest child for a container
	 */
	record Packed(byte[] bytes, @Nullable Object expected, int depth) {
	}

	private final SplittableRandom random;

	private final List<Object> interesting;

	private final LongPredicate forbidden;

	private int budget;

	/**
	 * @param interesting plain Java values (String, byte[], Long/Integer, Boolean, List,
	 * Map) mixed in as leaves
	 * @param forbidden integer values never to generate as ints or (truncated) floats
	 */
	MsgpackGen(SplittableRandom random, List<Object> interesting, LongPredicate forbidden) {
		this.random = random;
		this.interesting = interesting;
		this.forbidden = forbidden;
	}

	SplittableRandom random() {
		return this.random;
	}

	/** Any value, usually a few bytes to a few KiB. */
	Packed any() {
		this.budget = (this.random.nextInt(20) == 0) ? 150_000 : 4_000;
		return value(0);
	}

	/** A scalar (no container), usually small. */
	Packed scalar() {
		this.budget = 2_000;
		return leaf();
	}

	/**
	 * A value that is mostly a meaningful one: an interesting value 60% of the time, else
	 * {@link #any()}.
	 */
	Packed plausible() {
		return (this.random.nextInt(10) < 6) ? interesting() : any();
	}

	Packed interesting() {
		return of(this.interesting.get(this.random.nextInt(this.interesting.size())));
	}

	/** A map whose keys are mostly str: a plausible delta. */
	Packed map() {
		this.budget = 4_000;
		return map(1);
	}

	/** A plain Java value, minimally encoded. */
	Packed of(@Nullable Object value) {
		Out out = new Out();
		int depth = writeJava(out, value);
		return new Packed(out.toByteArray(), normalize(value), depth);
	}

	// ---------------------------------------------------------------- trees

	private Packed value(int level) {
		int roll = this.random.nextInt(100);
		if (level > 0 && roll < 2 && this.budget > 400) {
			return chain();
		}
		boolean leafOnly = level >= 5 || this.budget < 16;
		if (!leafOnly && roll < 16) {
			return array(level + 1);
		}
		if (!leafOnly && roll < 26) {
			return map(level + 1);
		}
		if (roll < 38) {
			return interesting();
		}
		return leaf();
	}

	private Packed leaf() {
		return switch (this.random.nextInt(11)) {
			case 0 -> new Packed(new byte[] { (byte) 0xc0 }, null, 1);
			case 1 -> {
				boolean b = this.random.nextBoolean();
				yield new Packed(new byte[] { (byte) (b ? 0xc3 : 0xc2) }, b, 1);
			}
			case 2, 3, 4 -> integer();
			case 5 -> floating();
			case 6, 7 -> string();
			case 8, 9 -> binary();
			default -> extension();
		};
	}

	private Packed array(int level) {
		int n = count();
		Out out = new Out();
		writeArrayHeader(out, n);
		List<@Nullable Object> expected = new ArrayList<>(n);
		int depth = 1;
		for (int i = 0; i < n; i++) {
			Packed element = value(level);
			out.write(element.bytes);
			expected.add(element.expected);
			depth = Math.max(depth, 1 + element.depth);
			this.budget -= element.bytes.length;
		}
		return new Packed(out.toByteArray(), Collections.unmodifiableList(expected), depth);
	}

	private Packed map(int level) {
		int n = count();
		Out out = new Out();
		writeMapHeader(out, n);
		Map<Object, @Nullable Object> expected = new LinkedHashMap<>();
		int depth = 1;
		for (int i = 0; i < n; i++) {
			Packed key = (this.random.nextInt(10) < 7) ? string() : value(level);
			Packed value = value(level);
			out.write(key.bytes);
			out.write(value.bytes);
			Object k = (key.expected instanceof byte[] bin) ? new String(bin, StandardCharsets.UTF_8) : key.expected;
			expected.put(k, value.expected);
			depth = Math.max(depth, 1 + Math.max(key.depth, value.depth));
			this.budget -= key.bytes.length + value.bytes.length;
		}
		return new Packed(out.toByteArray(), Collections.unmodifiableMap(expected), depth);
	}

	/**
	 * Single-element arrays or maps nested 2..60 deep, or right at the decoder's limit
	 * (126..131).
	 */
	private Packed chain() {
		int levels = (this.random.nextInt(3) == 0) ? 126 + this.random.nextInt(6) : 2 + this.random.nextInt(59);
		Packed inner = leaf();
		boolean maps = this.random.nextBoolean();
		for (int i = 0; i < levels; i++) {
			Out out = new Out();
			if (maps) {
				writeMapHeader(out, 1);
				out.write(new byte[] { (byte) 0xa1, 'k' });
				out.write(inner.bytes);
				Map<Object, @Nullable Object> map = new LinkedHashMap<>();
				map.put("k", inner.expected);
				inner = new Packed(out.toByteArray(), Collections.unmodifiableMap(map), inner.depth + 1);
			}
			else {
				writeArrayHeader(out, 1);
				out.write(inner.bytes);
				inner = new Packed(out.toByteArray(), Collections.singletonList(inner.expected), inner.depth + 1);
			}
		}
		return inner;
	}

	private int count() {
		int roll = this.random.nextInt(100);
		if (roll < 70) {
			return this.random.nextInt(6);
		}
		if (roll < 97) {
			return 6 + this.random.nextInt(15);
		}
		return 16 + this.random.nextInt(40);
	}

	private void writeArrayHeader(Out out, int n) {
		int style = this.random.nextInt(10);
		if (n < 16 && style < 7) {
			out.b(0x90 | n);
		}
		else if (style < 9) {
			out.b(0xdc);
			out.be(n, 2);
		}
		else {
			out.b(0xdd);
			out.be(n, 4);
		}
	}

	private void writeMapHeader(Out out, int n) {
		int style = this.random.nextInt(10);
		if (n < 16 && style < 7) {
			out.b(0x80 | n);
		}
		else if (style < 9) {
			out.b(0xde);
			out.be(n, 2);
		}
		else {
			out.b(0xdf);
			out.be(n, 4);
		}
	}

	// ---------------------------------------------------------------- scalars

	private Packed integer() {
		for (int attempt = 0;; attempt++) {
			Out out = new Out();
			int format = this.random.nextInt(10);
			long v;
			Object expected;
			switch (format) {
				case 0 -> {
					v = pick(0, 127);
					out.b((int) v);
				}
				case 1 -> {
					v = pick(-32, -1);
					out.b((int) v & 0xff);
				}
				case 2 -> {
					v = pick(0, 0xff);
					out.b(0xcc);
					out.be(v, 1);
				}
				case 3 -> {
					v = pick(0, 0xffff);
					out.b(0xcd);
					out.be(v, 2);
				}
				case 4 -> {
					v = pick(0, 0xffff_ffffL);
					out.b(0xce);
					out.be(v, 4);
				}
				case 5 -> {
					v = pick(Long.MIN_VALUE, Long.MAX_VALUE);
					out.b(0xcf);
					out.be(v, 8);
				}
				case 6 -> {
					v = pick(Byte.MIN_VALUE, Byte.MAX_VALUE);
					out.b(0xd0);
					out.be(v, 1);
				}
				case 7 -> {
					v = pick(Short.MIN_VALUE, Short.MAX_VALUE);
					out.b(0xd1);
					out.be(v, 2);
				}
				case 8 -> {
					v = pick(Integer.MIN_VALUE, Integer.MAX_VALUE);
					out.b(0xd2);
					out.be(v, 4);
				}
				default -> {
					v = pick(Long.MIN_VALUE, Long.MAX_VALUE);
					out.b(0xd3);
					out.be(v, 8);
				}
			}
			if (format == 5 && v < 0) {
				// uint64 with the top bit set: above Long.MAX_VALUE, decoded as
				// BigInteger
				expected = new BigInteger(Long.toUnsignedString(v));
			}
			else {
				expected = v;
				if (this.forbidden.test(v) && attempt < 100) {
					continue;
				}
			}
			return new Packed(out.toByteArray(), expected, 1);
		}
	}

	/**
	 * A value in [lo, hi]: often a boundary, 0, ±1 or a clock-like time, else uniform.
	 */
	private long pick(long lo, long hi) {
		int roll = this.random.nextInt(10);
		long v = switch (roll) {
			case 0 -> lo;
			case 1 -> hi;
			case 2 -> this.random.nextLong(-2, 3);
			case 3 -> System.currentTimeMillis() / 1000 + this.random.nextLong(-100_000, 100_000);
			default -> (hi - lo == -1 || hi - lo < 0) ? this.random.nextLong() : lo + this.random.nextLong(hi - lo + 1);
		};
		return Math.max(lo, Math.min(hi, v));
	}

	private Packed floating() {
		for (int attempt = 0;; attempt++) {
			boolean single = this.random.nextInt(3) == 0;
			double d = switch (this.random.nextInt(8)) {
				case 0 -> Double.NaN;
				case 1 -> this.random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
				case 2 -> this.random.nextBoolean() ? -0.0 : 0.0;
				case 3 -> (double) (System.currentTimeMillis() / 1000) + this.random.nextDouble(-1000, 1000);
				case 4 -> Double.longBitsToDouble(this.random.nextLong());
				case 5 -> this.random.nextBoolean() ? Double.MIN_VALUE : Double.MAX_VALUE;
				default -> this.random.nextDouble(-1e6, 1e6);
			};
			Out out = new Out();
			Object expected;
			long truncated;
			if (single) {
				float f = (this.random.nextInt(4) == 0) ? Float.intBitsToFloat(this.random.nextInt()) : (float) d;
				out.b(0xca);
				out.be(Float.floatToRawIntBits(f), 4);
				expected = f;
				truncated = (long) f;
			}
			else {
				out.b(0xcb);
				out.be(Double.doubleToRawLongBits(d), 8);
				expected = d;
				truncated = (long) d;
			}
			if (this.forbidden.test(truncated) && attempt < 100) {
				continue;
			}
			return new Packed(out.toByteArray(), expected, 1);
		}
	}

	private byte[] content() {
		int roll = this.random.nextInt(100);
		int length;
		if (roll < 60) {
			length = this.random.nextInt(32);
		}
		else if (roll < 85) {
			length = 32 + this.random.nextInt(224);
		}
		else if (roll < 99 || this.budget < 70_000) {
			length = 256 + this.random.nextInt(Math.max(1, Math.min(2000, this.budget)));
		}
		else {
			length = 65_536 + this.random.nextInt(4000);
		}
		this.budget -= length;
		int kind = this.random.nextInt(4);
		if (kind == 0) {
			byte[] bytes = new byte[length];
			this.random.nextBytes(bytes);
			return bytes;
		}
		StringBuilder text = new StringBuilder();
		while (text.length() < length) {
			if (kind == 1) {
				int cp = this.random.nextInt(0x30000);
				if (cp >= 0xD800 && cp <= 0xDFFF) {
					cp = 'x';
				}
				text.appendCodePoint(cp);
			}
			else {
				text.append((char) ('a' + this.random.nextInt(26)));
			}
		}
		byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
		return (utf8.length > length && length < 256) ? Arrays.copyOf(utf8, length) : utf8;
	}

	private Packed string() {
		byte[] bytes = content();
		Out out = new Out();
		int n = bytes.length;
		int style = this.random.nextInt(10);
		if (n < 32 && style < 6) {
			out.b(0xa0 | n);
		}
		else if (n <= 0xff && style < 8) {
			out.b(0xd9);
			out.be(n, 1);
		}
		else if (n <= 0xffff && style < 9) {
			out.b(0xda);
			out.be(n, 2);
		}
		else {
			out.b(0xdb);
			out.be(n, 4);
		}
		out.write(bytes);
		return new Packed(out.toByteArray(), new String(bytes, StandardCharsets.UTF_8), 1);
	}

	private Packed binary() {
		byte[] bytes = content();
		Out out = new Out();
		int n = bytes.length;
		int style = this.random.nextInt(10);
		if (n <= 0xff && style < 7) {
			out.b(0xc4);
			out.be(n, 1);
		}
		else if (n <= 0xffff && style < 9) {
			out.b(0xc5);
			out.be(n, 2);
		}
		else {
			out.b(0xc6);
			out.be(n, 4);
		}
		out.write(bytes);
		return new Packed(out.toByteArray(), bytes, 1);
	}

	private Packed extension() {
		byte type = (byte) this.random.nextInt(256);
		int style = this.random.nextInt(8);
		int[] fixed = { 1, 2, 4, 8, 16 };
		byte[] data;
		Out out = new Out();
		if (style < 5) {
			data = new byte[fixed[style]];
			out.b(0xd4 + style);
		}
		else {
			data = new byte[(this.random.nextInt(4) == 0) ? 256 + this.random.nextInt(300) : this.random.nextInt(40)];
			int n = data.length;
			if (style == 5 && n <= 0xff) {
				out.b(0xc7);
				out.be(n, 1);
			}
			else if (style <= 6) {
				out.b(0xc8);
				out.be(n, 2);
			}
			else {
				out.b(0xc9);
				out.be(n, 4);
			}
		}
		this.random.nextBytes(data);
		out.b(type);
		out.write(data);
		return new Packed(out.toByteArray(), new MsgpackExtension(type, data), 1);
	}

	// ---------------------------------------------------------------- plain Java values

	/** Minimal-width encoding of a plain Java value; returns its depth. */
	private static int writeJava(Out out, @Nullable Object value) {
		if (value == null) {
			out.b(0xc0);
			return 1;
		}
		if (value instanceof Boolean b) {
			out.b(b ? 0xc3 : 0xc2);
			return 1;
		}
		if (value instanceof Integer || value instanceof Long) {
			long v = ((Number) value).longValue();
			if (v >= 0 && v <= 0x7f) {
				out.b((int) v);
			}
			else if (v >= -32 && v < 0) {
				out.b((int) v & 0xff);
			}
			else if (v >= 0 && v <= 0xff) {
				out.b(0xcc);
				out.be(v, 1);
			}
			else if (v >= 0 && v <= 0xffff) {
				out.b(0xcd);
				out.be(v, 2);
			}
			else if (v >= 0 && v <= 0xffff_ffffL) {
				out.b(0xce);
				out.be(v, 4);
			}
			else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
				out.b(0xd2);
				out.be(v, 4);
			}
			else {
				out.b(0xd3);
				out.be(v, 8);
			}
			return 1;
		}
		if (value instanceof Double d) {
			out.b(0xcb);
			out.be(Double.doubleToRawLongBits(d), 8);
			return 1;
		}
		if (value instanceof String s) {
			byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
			if (utf8.length < 32) {
				out.b(0xa0 | utf8.length);
			}
			else if (utf8.length <= 0xff) {
				out.b(0xd9);
				out.be(utf8.length, 1);
			}
			else {
				out.b(0xda);
				out.be(utf8.length, 2);
			}
			out.write(utf8);
			return 1;
		}
		if (value instanceof byte[] bin) {
			out.b(0xc4);
			out.be(bin.length, 1);
			out.write(bin);
			return 1;
		}
		if (value instanceof List<?> list) {
			out.b(0x90 | list.size());
			int depth = 1;
			for (Object element : list) {
				depth = Math.max(depth, 1 + writeJava(out, element));
			}
			return depth;
		}
		if (value instanceof Map<?, ?> map) {
			out.b(0x80 | map.size());
			int depth = 1;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				depth = Math.max(depth, 1 + writeJava(out, entry.getKey()));
				depth = Math.max(depth, 1 + writeJava(out, entry.getValue()));
			}
			return depth;
		}
		throw new IllegalArgumentException("not a plain value: " + value.getClass());
	}

	/**
	 * The value the decoder returns for a plain Java value (ints as Long, bin keys as
	 * text).
	 */
	static @Nullable Object normalize(@Nullable Object value) {
		if (value instanceof Integer i) {
			return i.longValue();
		}
		if (value instanceof List<?> list) {
			List<@Nullable Object> copy = new ArrayList<>();
			list.forEach((element) -> copy.add(normalize(element)));
			return Collections.unmodifiableList(copy);
		}
		if (value instanceof Map<?, ?> map) {
			Map<Object, @Nullable Object> copy = new LinkedHashMap<>();
			map.forEach((k, v) -> copy
				.put((k instanceof byte[] bin) ? new String(bin, StandardCharsets.UTF_8) : normalize(k), normalize(v)));
			return Collections.unmodifiableMap(copy);
		}
		return value;
	}

	// ---------------------------------------------------------------- comparison

	/**
	 * Deep equality of decoded values: byte[] by content, floats by bits (NaN equals
	 * NaN), lists in order, maps entry by entry in order, everything else with equals.
	 */
	static boolean deepEquals(@Nullable Object a, @Nullable Object b) {
		if (a == null || b == null) {
			return a == b;
		}
		if (a instanceof byte[] x && b instanceof byte[] y) {
			return Arrays.equals(x, y);
		}
		if (a instanceof List<?> x && b instanceof List<?> y) {
			if (x.size() != y.size()) {
				return false;
			}
			for (int i = 0; i < x.size(); i++) {
				if (!deepEquals(x.get(i), y.get(i))) {
					return false;
				}
			}
			return true;
		}
		if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
			if (x.size() != y.size()) {
				return false;
			}
			var i = x.entrySet().iterator();
			var j = y.entrySet().iterator();
			while (i.hasNext()) {
				var e = i.next();
				var f = j.next();
				if (!deepEquals(e.getKey(), f.getKey()) || !deepEquals(e.getValue(), f.getValue())) {
					return false;
				}
			}
			return true;
		}
		return a.getClass() == b.getClass() && a.equals(b);
	}

	/** A growable byte buffer. */
	static final class Out {

		private byte[] bytes = new byte[64];

		private int length;

		void b(int value) {
			ensure(1);
			this.bytes[this.length++] = (byte) value;
		}

		void be(long value, int width) {
			ensure(width);
			for (int i = width - 1; i >= 0; i--) {
				this.bytes[this.length++] = (byte) (value >>> (8 * i));
			}
		}

		void write(byte[] data) {
			ensure(data.length);
			System.arraycopy(data, 0, this.bytes, this.length, data.length);
			this.length += data.length;
		}

		private void ensure(int more) {
			if (this.length + more > this.bytes.length) {
				this.bytes = Arrays.copyOf(this.bytes, Math.max(this.bytes.length * 2, this.length + more));
			}
		}

		byte[] toByteArray() {
			return Arrays.copyOf(this.bytes, this.length);
		}

	}

}
