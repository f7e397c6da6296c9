package io.syncsocket.internal.transport;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Addresses}: {@code host:port} for every kind of socket address. */
class AddressesTests {

	@Test
	void addressesShouldPrintAsHostAndPort() {
		assertThat(Addresses.text(InetSocketAddress.createUnresolved("127.0.0.1", 4442))).isEqualTo("127.0.0.1:4442");
		assertThat(Addresses.text(new InetSocketAddress("127.0.0.1", 4442))).isEqualTo("127.0.0.1:4442");
		assertThat(Addresses.text(InetSocketAddress.createUnresolved("sync.example", 80))).isEqualTo("sync.example:80");
		assertThat(Addresses.text(new InetSocketAddress("::1", 4442))).isEqualTo("[0:0:0:0:0:0:0:1]:4442");
		assertThat(Addresses.text(null)).isEqualTo("null");
	}

}
