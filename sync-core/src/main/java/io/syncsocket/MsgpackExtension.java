package io.syncsocket;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A msgpack extension value (ext family), kept as its type code and raw bytes so that it
 * travels on unchanged. Neither js2p nor py2p writes extensions; this exists so that no
 * standard msgpack value is rejected or lost.
 *
 * @param type the application-defined extension type code
 * @param data the extension payload (defensively copied)
 */
public record MsgpackExtension(byte type, byte[] data) {

	public MsgpackExtension {
		Objects.requireNonNull(data, "'data' must not be null");
		data = data.clone();
	}

	@Override
	public byte[] data() {
		return this.data.clone();
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof MsgpackExtension that) && this.type == that.type
				&& Arrays.equals(this.data, that.data);
	}

	@Override
	public int hashCode() {
		return 31 * this.type + Arrays.hashCode(this.data);
	}

	@Override
	public String toString() {
		return "MsgpackExtension[type=" + this.type + ", data=" + HexFormat.of().formatHex(this.data) + "]";
	}

}
