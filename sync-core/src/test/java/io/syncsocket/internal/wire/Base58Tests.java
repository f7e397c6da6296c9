package io.syncsocket.internal.wire;

import java.math.BigInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.junit.jupiter.api.Named.named;

/**
 * {@link Base58}: unsigned integers in the Bitcoin alphabet without leading-zero handling
 * (PROTOCOL.md §3.1), against {@code ids.json}'s {@code base58_ints}.
 */
class Base58Tests {

	static Stream<Arguments> base58Ints() {
		return Vectors.list(Vectors.load("ids").get("base58_ints"))
			.stream()
			.map((entry) -> Arguments.of(named(entry.get("integer").asText(), entry)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("base58Ints")
	void encodeAndDecodeShouldMatchJs2p(JsonNode entry) {
		BigInteger integer = new BigInteger(entry.get("integer").asText());
		String text = entry.get("base58").asText();
		assertThat(entry.get("round_trip").asBoolean()).isTrue();
		assertThat(Base58.encode(integer)).isEqualTo(text);
		assertThat(Base58.decode(text)).isEqualTo(integer);
	}

	@Test
	void alphabetShouldBeBitcoinOrder() {
		assertThat(Base58.ALPHABET).isEqualTo("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
			.hasSize(58)
			.doesNotContain("0", "O", "I", "l");
		for (int i = 0; i < 58; i++) {
			assertThat(Base58.encode(BigInteger.valueOf(i))).isEqualTo(String.valueOf(Base58.ALPHABET.charAt(i)));
		}
	}

	@Test
	void encodeOfBytesShouldDropLeadingZeroBytes() {
		// hashes are read as one unsigned big-endian integer: no base58check-style '1'
		// prefix
		assertThat(Base58.encode(new byte[] { 0, 0, 1 })).isEqualTo("2");
		assertThat(Base58.encode(new byte[32])).isEqualTo("1");
		assertThat(Base58.encode(new byte[0])).isEqualTo("1");
		assertThat(Base58.encode(new byte[] { (byte) 0xff })).isEqualTo("5Q");
		assertThat(Base58.encode(new byte[] { 0x01, 0x00 })).isEqualTo("5R");
	}

	@Test
	void decodeShouldTreatLeadingOnesAsZeroDigits() {
		assertThat(Base58.decode("1")).isZero();
		assertThat(Base58.decode("1112")).isEqualTo(BigInteger.ONE);
	}

	@Test
	void largeValuesShouldRoundTrip() {
		BigInteger value = BigInteger.ONE.shiftLeft(384).subtract(BigInteger.ONE);
		assertThat(Base58.decode(Base58.encode(value))).isEqualTo(value);
		assertThat(Base58.encode(value)).hasSize(66);
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "O", "I", "l", "2O", " 2", "2-", "é", "+" })
	void decodeShouldRejectCharactersOutsideTheAlphabet(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> Base58.decode(text));
	}

	@Test
	void invalidArgumentsShouldBeRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> Base58.decode(""));
		assertThatIllegalArgumentException().isThrownBy(() -> Base58.encode(BigInteger.ONE.negate()));
		assertThatNullPointerException().isThrownBy(() -> Base58.decode(null));
		assertThatNullPointerException().isThrownBy(() -> Base58.encode((BigInteger) null));
	}

}
