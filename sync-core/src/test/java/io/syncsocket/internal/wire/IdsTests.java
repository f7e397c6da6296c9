package io.syncsocket.internal.wire;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.junit.jupiter.api.Named.named;

/**
 * {@link Ids}: protocol ids (PROTOCOL.md §3.2, §3.3), node ids (§3.4) and the checksum
 * helpers (§1, §3.5), against {@code ids.json} and the live js2p node of
 * {@code js2p_acceptor_session.json}.
 */
class IdsTests {

	/**
	 * {@code (host, port)protocolIdSalt}, the salt being a canonical UUID (PROTOCOL.md
	 * §3.4).
	 */
	private static final Pattern JS2P_PREIMAGE = Pattern.compile(
			"^\\((.+), (\\d+)\\)([1-9A-HJ-NP-Za-km-z]+)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$");

	static Stream<Arguments> protocolIds() {
		return Vectors.list(Vectors.load("ids").get("protocol_ids"))
			.stream()
			.map((entry) -> Arguments
				.of(named("'" + entry.get("subnet").asText() + "' + " + entry.get("encryption").asText(), entry)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("protocolIds")
	void protocolIdShouldMatchJs2p(JsonNode entry) {
		String subnet = entry.get("subnet").asText();
		String encryption = entry.get("encryption").asText();
		String hashed = entry.get("hashed_string_utf8").asText();
		assertThat(subnet + encryption + Ids.PROTOCOL_VERSION).isEqualTo(hashed);
		assertThat(Vectors.hex(Ids.sha256(Vectors.utf8(hashed)))).isEqualTo(entry.get("sha256_hex").asText());
		assertThat(Ids.protocolId(subnet, encryption)).isEqualTo(entry.get("protocol_id").asText());
	}

	@Test
	void idsVectorsShouldCoverTheCasesTheSpecNames() {
		JsonNode ids = Vectors.load("ids");
		assertThat(ids.get("protocol_version").asText()).isEqualTo(Ids.PROTOCOL_VERSION);
		assertThat(ids.get("base58_alphabet").asText()).isEqualTo(Base58.ALPHABET);
		assertThat(Vectors.list(ids.get("protocol_ids")).stream().map((e) -> e.get("subnet").asText()))
			.contains("sync1", "sync0", "", "测试");
		assertThat(ids.get("protocol_ids")).hasSizeGreaterThanOrEqualTo(14);
		assertThat(ids.get("node_ids")).hasSizeGreaterThanOrEqualTo(2);
		assertThat(ids.get("base58_ints")).hasSizeGreaterThanOrEqualTo(12);
	}

	/** The table of PROTOCOL.md §3.2, verbatim. */
	@ParameterizedTest(name = "''{0}'' + {1}")
	@CsvSource(delimiter = '|', emptyValue = "", textBlock = """
			sync1 | Plaintext | p7sAnBsK3n5enFXH7vEGQjzS6t6RH1CeEoYekNjr5Jn
			sync0 | Plaintext | EB8PreScNDAFMALGBs1uyocDXLXCxZKzWEP5oR6VVh2z
			''    | Plaintext | 3soAb1XFyvZYyqgFNTxcXvzEBU6p8n821ifyVVANipvt
			sync  | Plaintext | FdAhwiENbUpiEKWRa8CQj68TDedHkYeEeHV6NtFzWFEy
			mesh  | Plaintext | EpAmyZWv9rZUKmjQgU3FTUD4GrJHvVEXizmghVBc8eGD
			sync1 | SSL       | ANBM6pF8DhyLoKw2PEj8wwg9WbmxbYvmZt4d9ca3nJ7B
			sync0 | SSL       | 7qFw1UQ78q7eYXywthDXiUKdMXdUirNRcC7gg26yv1qu
			""")
	void protocolIdShouldMatchTheSpecTable(String subnet, String encryption, String expected) {
		assertThat(Ids.protocolId(subnet, encryption)).isEqualTo(expected);
	}

	static Stream<Arguments> syncSocketProtocols() {
		return Vectors.list(Vectors.load("ids").get("sync_socket_protocols"))
			.stream()
			.map((entry) -> Arguments.of(named(entry.get("constructor_args").asText(), entry)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("syncSocketProtocols")
	void syncSocketProtocolIdShouldMatchJs2p(JsonNode entry) {
		// PROTOCOL.md §3.3: the subnet already carries the leasing suffix "1" / "0"
		assertThat(entry.get("subnet").asText()).matches(".*[01]");
		assertThat(Ids.protocolId(entry.get("subnet").asText(), "Plaintext"))
			.isEqualTo(entry.get("protocol_id").asText());
	}

	static Stream<Arguments> nodeIds() {
		return Vectors.list(Vectors.load("ids").get("node_ids"))
			.stream()
			.map((entry) -> Arguments.of(named(entry.get("node_id").asText(), entry)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("nodeIds")
	void nodeIdShouldMatchJs2pFromItsPreimage(JsonNode entry) {
		String preimage = entry.get("js2p_preimage_utf8").asText();
		String expected = entry.get("node_id").asText();
		assertThat(Vectors.hex(Ids.sha384(Vectors.utf8(preimage)))).isEqualTo(entry.get("sha384_hex").asText());
		assertThat(Base58.encode(Ids.sha384(Vectors.utf8(preimage)))).isEqualTo(expected);

		Matcher parts = JS2P_PREIMAGE.matcher(preimage);
		assertThat(parts.matches()).as("js2p preimage form: %s", preimage).isTrue();
		String nodeId = Ids.nodeId(parts.group(1), Integer.parseInt(parts.group(2)), parts.group(3), parts.group(4));
		assertThat(nodeId).isEqualTo(expected).hasSize(entry.get("length").asInt());
	}

	@Test
	void nodeIdShouldMatchALiveJs2pNode() {
		// The js2p SyncSocket of the acceptor session published its address, port,
		// protocol id and salt.
		JsonNode node = Vectors.load("js2p_acceptor_session").get("js2p_node");
		String protocolId = Ids.protocolId(node.get("protocol_subnet").asText(), "Plaintext");
		assertThat(protocolId).isEqualTo(node.get("protocol_id").asText());
		String id = Ids.nodeId(node.get("listen").get(0).asText(), node.get("listen").get(1).asInt(), protocolId,
				node.get("user_salt").asText());
		assertThat(id).isEqualTo(node.get("id").asText());
	}

	@Test
	void nodeIdWithTheProcessSaltShouldBeStablePerAddress() {
		String protocolId = Ids.protocolId("sync1", "Plaintext");
		String a = Ids.nodeId("127.0.0.1", 4444, protocolId);
		assertThat(a).isEqualTo(Ids.nodeId("127.0.0.1", 4444, protocolId));
		assertThat(a).isNotEqualTo(Ids.nodeId("127.0.0.1", 4445, protocolId));
		assertThat(a).isNotEqualTo(Ids.nodeId("127.0.0.2", 4444, protocolId));
		assertThat(a).matches("[1-9A-HJ-NP-Za-km-z]+");
		assertThat(Base58.decode(a).bitLength()).isLessThanOrEqualTo(384);
		// the salt is random per process, so it is not the empty salt
		assertThat(a).isNotEqualTo(Ids.nodeId("127.0.0.1", 4444, protocolId, ""));
	}

	@Test
	void protocolIdShouldRejectNulls() {
		assertThatNullPointerException().isThrownBy(() -> Ids.protocolId(null, "Plaintext"));
		assertThatNullPointerException().isThrownBy(() -> Ids.protocolId("sync1", null));
	}

	@Test
	void checksumMatchesShouldVerifyTheFirst32Bytes() {
		byte[] blob = Vectors.blobOf(Vectors.hex("9302a16105"));
		assertThat(Ids.checksumMatches(blob, blob.length)).isTrue();
		blob[31] ^= 1;
		assertThat(Ids.checksumMatches(blob, blob.length)).isFalse();
		blob[31] ^= 1;
		blob[blob.length - 1] ^= 1;
		assertThat(Ids.checksumMatches(blob, blob.length)).isFalse();
		assertThat(Ids.checksumMatches(new byte[31], 31)).isFalse();
		// SHA-256 of nothing, followed by nothing
		byte[] empty = Vectors.sha256(new byte[0]);
		assertThat(Ids.checksumMatches(empty, 32)).isTrue();
	}

	@Test
	void checksumMatchesShouldOnlyLookAtTheGivenLength() {
		byte[] blob = Vectors.blobOf(Vectors.hex("9302a16105"));
		byte[] padded = java.util.Arrays.copyOf(blob, blob.length + 3);
		assertThat(Ids.checksumMatches(padded, blob.length)).isTrue();
		assertThat(Ids.checksumMatches(padded, padded.length)).isFalse();
	}

	@Test
	void sha256IntoShouldWriteAtTheOffset() {
		byte[] data = Vectors.utf8("xxabcxx");
		byte[] out = new byte[40];
		Ids.sha256Into(data, 2, 3, out, 4);
		assertThat(Vectors.hex(java.util.Arrays.copyOfRange(out, 4, 36)))
			.isEqualTo(Vectors.hex(Vectors.sha256(Vectors.utf8("abc"))));
		assertThat(Vectors.hex(java.util.Arrays.copyOf(out, 4))).isEqualTo("00000000");
		assertThat(Vectors.hex(Ids.sha256(data, 2, 3))).isEqualTo(Vectors.hex(Vectors.sha256(Vectors.utf8("abc"))));
	}

	@Test
	void sha384ShouldBeTheStandardDigest() {
		assertThat(Vectors.hex(Ids.sha384(Vectors.utf8("abc")))).isEqualTo(
				"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
		assertThat(new BigInteger(1, Ids.sha384(new byte[0])).signum()).isPositive();
	}

}
